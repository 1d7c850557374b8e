/**
 * Turns a Keras model config (Keras 3: module/registered_name/DTypePolicy/batch_shape and
 * dict-style inbound nodes; Keras 2: class_name/config) into the Keras-2-style topology that
 * tf.models.modelFromJSON builds. Only an allow-list of built-in layers passes: a Lambda or custom
 * class is refused by name, since nothing in a model file is ever executed.
 */
import { VebiError } from '../../../shared/errors';
import { flattenNestedModels, hasNestedModels, isModelLayer } from './keras-nested';

type Json = Record<string, unknown>;

/** A layer of the model, in config order, with what the weight reader needs to find its weights. */
export interface KerasLayerRef {
  /** The layer's name in the built model (an inner layer of a nested model may be renamed). */
  name: string;
  /** Its name in the file. */
  sourceName: string;
  className: string;
  /**
   * Where Keras 3 stores the layer's variables under layers/: <key>, or <model key>/layers/<key>
   * inside a nested model.
   */
  keras3Key: string;
  /** For a layer of a nested model: the top-level layer (the outer model's entry) holding it, whose legacy .h5 group holds its weights. */
  container?: string;
  /** Weights given in the config rather than the weights file (Normalization with mean/variance). */
  constants?: (number | number[])[];
}

export interface ConvertedKerasModel {
  /** The topology for tf.models.modelFromJSON (class_name + config). */
  topology: Json;
  layers: KerasLayerRef[];
}

/** Layers TF.js builds natively and that the engine runs, Keras class name -> TF.js class name. */
const SUPPORTED = new Set([
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'Dropout',
  'SpatialDropout2D',
  'Flatten',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'Softmax',
  'ELU',
  'Add',
  'Concatenate',
  'Multiply',
  'Rescaling',
  'Normalization',
  'ZeroPadding2D',
  'Reshape',
]);

/** Keras 3 activation names TF.js spells differently. */
const ACTIVATIONS: Record<string, string> = { silu: 'swish', hard_sigmoid: 'hardSigmoid', log_softmax: 'logSoftmax' };

const KNOWN_ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'sigmoid', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'mish', 'hardSigmoid', 'logSoftmax']);

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keras 3's naming.to_snake_case, used for the keys of layers/<key> in model.weights.h5. */
export function toSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Where the layers being converted sit: Keras 3 numbers keys per model, legacy .h5 groups per top-level layer. */
interface Scope {
  keyPrefix: string;
  keyCounts: Map<string, number>;
  container?: string;
}

class Converter {
  readonly layers: KerasLayerRef[] = [];
  /** Converted layer JSON -> its ref, so that flattening can rename both. */
  readonly refOf = new Map<Json, KerasLayerRef>();
  private scope: Scope = { keyPrefix: '', keyCounts: new Map() };

  constructor(private readonly file: string) {}

  private unsupported(name: string, className: string, why: string): VebiError {
    return new VebiError('LAYER_UNSUPPORTED', `${this.file}: layer "${name}" (${className}) ${why}`, this.file);
  }

  model(node: unknown): Json {
    if (!isRecord(node) || typeof node.class_name !== 'string' || !isRecord(node.config)) {
      throw new VebiError('MODEL_CORRUPT', `${this.file} has a model config without "class_name" and "config"; the file is damaged or was not written by Keras: save the model again with model.save().`, this.file);
    }
    const className = node.class_name;
    if (className === 'Sequential') return this.sequential(node.config);
    if (className === 'Functional' || className === 'Model') return this.functional(node.config);
    const name = typeof node.config.name === 'string' ? node.config.name : '?';
    throw this.unsupported(name, className, 'is a model class VEBI cannot rebuild: only Sequential and Functional models of built-in Keras layers are supported. Rebuild it as a Functional model and save it again.');
  }

  private sequential(config: Json): Json {
    const raw = Array.isArray(config.layers) ? config.layers : [];
    // Keras 3 lists the InputLayer first; TF.js wants its shape on the first real layer instead.
    let batchShape: unknown;
    const layers: Json[] = [];
    for (const entry of raw) {
      if (isRecord(entry) && entry.class_name === 'InputLayer' && isRecord(entry.config)) {
        batchShape = entry.config.batch_shape ?? entry.config.batch_input_shape;
        continue;
      }
      const layer = this.layer(entry);
      if (batchShape !== undefined && layers.length === 0) (layer.config as Json).batch_input_shape = batchShape;
      layers.push(layer);
    }
    const out: Json = { name: config.name ?? 'sequential', layers };
    if (layers.length > 0 && (layers[0].config as Json).batch_input_shape === undefined && Array.isArray(config.build_input_shape)) {
      (layers[0].config as Json).batch_input_shape = config.build_input_shape;
    }
    return { class_name: 'Sequential', config: out };
  }

  private functional(config: Json): Json {
    const raw = Array.isArray(config.layers) ? config.layers : [];
    const layers = raw.map((entry) => {
      const layer = this.layer(entry);
      const source = isRecord(entry) ? entry : {};
      layer.name = (layer.config as Json).name;
      layer.inbound_nodes = this.inboundNodes(source.inbound_nodes);
      return layer;
    });
    return {
      class_name: 'Functional',
      config: { name: config.name ?? 'model', layers, input_layers: tensorRefs(config.input_layers), output_layers: tensorRefs(config.output_layers) },
    };
  }

  /** Keras 3 node dicts ({args: [keras tensors], kwargs}) -> Keras 2 lists [[name, node, tensor, {}], ...]. */
  private inboundNodes(nodes: unknown): unknown[] {
    if (!Array.isArray(nodes)) return [];
    return nodes.map((node) => {
      if (Array.isArray(node)) return node; // already Keras 2
      const refs: unknown[] = [];
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (isRecord(value) && value.class_name === '__keras_tensor__' && isRecord(value.config) && Array.isArray(value.config.keras_history)) {
          const [layer, nodeIndex, tensorIndex] = value.config.keras_history as [string, number, number];
          refs.push([layer, nodeIndex, tensorIndex, {}]);
        }
      };
      collect(isRecord(node) ? node.args : undefined);
      return refs;
    });
  }

  private layer(entry: unknown): Json {
    if (!isRecord(entry) || typeof entry.class_name !== 'string' || !isRecord(entry.config)) {
      throw new VebiError('MODEL_CORRUPT', `${this.file} has a layer entry without "class_name" and "config"; save the model again with model.save().`, this.file);
    }
    const className = entry.class_name;
    const name = typeof entry.config.name === 'string' ? entry.config.name : '?';
    if (isModelLayer(entry)) return this.nestedModel(entry, name);
    if (className === 'Lambda' || className === 'TFOpLambda') {
      throw this.unsupported(name, className, 'holds Python code, which VEBI never runs. Replace it with built-in Keras layers and save the model again.');
    }
    const custom = typeof entry.registered_name === 'string' && entry.registered_name !== className;
    if (custom || !SUPPORTED.has(className)) {
      throw this.unsupported(
        name,
        className,
        `is ${custom ? 'a custom layer' : 'not a layer VEBI can load'}. Supported: ${[...SUPPORTED].join(', ')}. Rebuild the model from these layers and save it again.`,
      );
    }
    const config = this.layerConfig(name, className, entry.config);
    const converted: Json = className === 'Normalization' ? { class_name: 'BatchNormalization', config: normalizationAsBatchNorm(config) } : { class_name: className, config };
    if (className !== 'InputLayer') {
      const ref: KerasLayerRef = { name, sourceName: name, className, keras3Key: this.keras3Key(className), ...(this.scope.container ? { container: this.scope.container } : {}) };
      if (className === 'Normalization' && config.mean != null && config.variance != null) ref.constants = [config.mean as number[], config.variance as number[]];
      this.layers.push(ref);
      this.refOf.set(converted, ref);
    }
    return converted;
  }

  /** A model used as a layer: converted in its own key scope; kerasConfigToTfjs flattens it afterwards. */
  private nestedModel(entry: Json, name: string): Json {
    const key = this.keras3Key(String(entry.class_name));
    const outer = this.scope;
    this.scope = { keyPrefix: `${key}/layers/`, keyCounts: new Map(), container: outer.container ?? name };
    try {
      return { ...this.model(entry), name };
    } finally {
      this.scope = outer;
    }
  }

  private keras3Key(className: string): string {
    const base = toSnakeCase(className);
    const counts = this.scope.keyCounts;
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    return `${this.scope.keyPrefix}${seen === 0 ? base : `${base}_${seen}`}`;
  }

  private layerConfig(name: string, className: string, raw: Json): Json {
    const config: Json = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'dtype') config.dtype = dtypeName(value);
      else if (key === 'batch_shape') config.batch_input_shape = value;
      else if (key.endsWith('_initializer')) config[key] = { class_name: 'Zeros', config: {} }; // the weights are set right after
      else if (key.endsWith('_regularizer') || key.endsWith('_constraint')) config[key] = null; // training only
      else config[key] = value;
    }
    if (config.data_format === 'channels_first') throw this.unsupported(name, className, 'uses channels_first; VEBI needs channels_last (NHWC) layers.');
    if (typeof config.groups === 'number' && config.groups !== 1) throw this.unsupported(name, className, `is a grouped convolution (groups=${config.groups}), which TensorFlow.js does not support.`);
    if (config.keepdims === true) throw this.unsupported(name, className, 'uses keepdims=True, which TensorFlow.js does not support; add a Reshape after a plain global pooling instead.');
    if (config.activation !== undefined) config.activation = this.activation(name, className, config.activation);
    delete config.groups;
    delete config.keepdims;
    if (className === 'LeakyReLU' && config.negative_slope !== undefined) config.alpha = config.negative_slope;
    if (className === 'ReLU' && ((Number(config.negative_slope ?? 0) !== 0) || Number(config.threshold ?? 0) !== 0)) {
      throw this.unsupported(name, className, 'has a negative slope or threshold, which TensorFlow.js ReLU does not support; use LeakyReLU.');
    }
    if (className === 'Normalization' && config.invert === true) throw this.unsupported(name, className, 'inverts the normalisation (invert=True), which VEBI does not support.');
    return config;
  }

  private activation(name: string, className: string, value: unknown): string {
    const raw = isRecord(value) ? value.config ?? value.class_name : value;
    const id = typeof raw === 'string' ? raw : isRecord(raw) && typeof raw.name === 'string' ? raw.name : undefined;
    const mapped = id === undefined ? undefined : (ACTIVATIONS[id] ?? id);
    if (mapped === undefined || !KNOWN_ACTIVATIONS.has(mapped)) {
      throw this.unsupported(name, className, `uses the activation ${JSON.stringify(value)}, which TensorFlow.js does not have. Use a built-in activation.`);
    }
    return mapped;
  }
}

/** A DTypePolicy object or a dtype string -> the float32/int32 string TF.js builds with. */
function dtypeName(value: unknown): string {
  const name = isRecord(value) ? (isRecord(value.config) ? value.config.name : undefined) : value;
  // Mixed precision policies compute in float16/bfloat16; TF.js runs them in float32.
  return typeof name === 'string' && name.startsWith('int') ? 'int32' : 'float32';
}

/** Keras 2 input/output lists may be one [name, node, tensor] triple or a list of them. */
function tensorRefs(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.length > 0 && typeof value[0] === 'string' ? [value] : value;
}

/**
 * Normalization is (x - mean) / sqrt(variance): a BatchNormalization without scale and offset, whose
 * moving statistics are the adapted mean and variance (set from the weights file).
 */
function normalizationAsBatchNorm(config: Json): Json {
  const axis = Array.isArray(config.axis) ? config.axis[0] : config.axis;
  const out: Json = { name: config.name, trainable: false, dtype: 'float32', axis: axis ?? -1, epsilon: 1e-7, center: false, scale: false, momentum: 0.99 };
  if (config.batch_input_shape !== undefined) out.batch_input_shape = config.batch_input_shape;
  return out;
}

/** Converts a parsed Keras config (the model part of config.json or of the model_config attribute). */
export function kerasConfigToTfjs(config: unknown, file: string): ConvertedKerasModel {
  const converter = new Converter(file);
  const topology = converter.model(config);
  if (!hasNestedModels(topology)) return { topology, layers: converter.layers };
  const renamed = (layer: Json, name: string): void => {
    const ref = converter.refOf.get(layer);
    if (ref) ref.name = name;
  };
  return { topology: flattenNestedModels(topology, { file, renamed }), layers: converter.layers };
}
