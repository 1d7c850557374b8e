/**
 * Finds each layer's weight arrays in a Keras HDF5 weights file and sets them on the TF.js model,
 * layer by layer, reading an array only once its declared shape matches the model's (a dataset may
 * declare any size). Keras 3 (.keras) stores layers/<key>/vars/0,1,... in creation order; legacy
 * .h5 stores model_weights/<layer>/... with a weight_names attribute giving the order. Both orders
 * are the one TF.js's layer.getWeights() uses.
 */
import * as tf from '@tensorflow/tfjs';
import type * as H5 from 'h5wasm';
import { VebiError } from '../../../shared/errors';
import { LIMITS } from '../../fs/safe-read';
import type { KerasLayerRef } from './keras-config-to-tfjs';
import type { H5Lib } from './open-hdf5';

export interface KerasWeight {
  /** Where the array was found in the file, for error messages. */
  name: string;
  /** The shape the file declares, known before anything is read. */
  shape: number[];
  /** Bytes the values take in the file's own type: what reading them costs. */
  bytes: number;
  /** Reads the values; only valid while the file is open (inside openKerasFile's callback). */
  read: () => Float32Array;
}

/** Weight arrays by Keras layer name, in the layer's weight order. */
export type KerasWeights = Map<string, KerasWeight[]>;

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toFloat32(value: H5.Dataset['value'], dataset: H5.Dataset, name: string, file: string): Float32Array {
  if (value instanceof Float32Array) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) return Float32Array.from(value as ArrayLike<number>);
  if (typeof value === 'number') return Float32Array.of(value);
  throw new VebiError('MODEL_UNSUPPORTED', `${file}: the weight "${name}" has the type ${JSON.stringify(dataset.dtype)}, which is not a number array VEBI can read.`, file);
}

/** The dataset at `name`, described from its metadata only: its values are read by `read()`. */
function datasetRef(h5: H5Lib, entity: H5.Entity | null, name: string, file: string): KerasWeight {
  if (!(entity instanceof h5.Dataset)) {
    throw new VebiError('WEIGHTS_MISSING', `${file} lists the weight "${name}" but holds no array there; the file is damaged: save the model again.`, file);
  }
  const shape = entity.shape ?? [];
  const bytes = shape.reduce((a, b) => a * b, 1) * Math.max(1, entity.metadata.size);
  return { name, shape, bytes, read: () => toFloat32(entity.value, entity, name, file) };
}

/**
 * Keras 3 model.weights.h5: layers/<key>/vars/<i>, and layers/<key>/layers/<key>/vars/<i> inside a
 * nested model. The vars group's "name" attribute, when written, is the layer's name in the file.
 */
export function readKeras3Weights(h5: H5Lib, root: H5.File, layers: KerasLayerRef[], file: string): KerasWeights {
  const out: KerasWeights = new Map();
  const group = root.get('layers');
  if (!(group instanceof h5.Group)) {
    throw new VebiError('WEIGHTS_MISSING', `${file} has no "layers" group in model.weights.h5, so it holds no layer weights. Save the whole model with model.save("model.keras").`, file);
  }
  const byKey = new Map(layers.map((l) => [l.keras3Key, l]));
  const walk = (container: H5.Group, prefix: string): void => {
    for (const key of container.keys()) {
      const layer = container.get(key);
      if (!(layer instanceof h5.Group)) continue;
      const vars = layer.get('vars');
      if (vars instanceof h5.Group) {
        const path = `${prefix}${key}`;
        const named = vars.attrs.name?.value;
        // The name attribute wins over the key, unless it names a layer of another scope.
        const ref = (typeof named === 'string' ? layers.find((l) => l.sourceName === named && scopeOf(l.keras3Key) === prefix) : undefined) ?? byKey.get(path);
        const indices = vars
          .keys()
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b));
        out.set(
          ref?.name ?? (typeof named === 'string' ? named : path),
          indices.map((i) => datasetRef(h5, vars.get(i), `layers/${path}/vars/${i}`, file)),
        );
      }
      const inner = layer.get('layers');
      if (inner instanceof h5.Group) walk(inner, `${prefix}${key}/layers/`);
    }
  };
  walk(group, '');
  return out;
}

/** "a/layers/b" -> "a/layers/"; "b" -> "". */
function scopeOf(keras3Key: string): string {
  return keras3Key.slice(0, keras3Key.lastIndexOf('/') + 1);
}

/** "functional/conv1/kernel:0" -> "conv1": the layer a legacy weight name belongs to. */
function layerOfWeightName(weightName: string): string {
  const parts = weightName.replace(/:\d+$/, '').split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : parts[0];
}

/**
 * Legacy Keras HDF5 (Keras 2, Keras 3 .h5): model_weights/<layer>, weight order in "weight_names".
 * A nested model's group holds all its layers' weights (Keras 2 lists trainable ones first): they
 * are split by the layer named in each weight's name.
 */
export function readLegacyWeights(h5: H5Lib, root: H5.File, layers: KerasLayerRef[], file: string): KerasWeights {
  const top = root.get('model_weights');
  // A file from save_weights() has the layer groups at the root.
  const weights = top instanceof h5.Group ? top : root;
  const names = stringList(weights.attrs.layer_names?.value);
  const out: KerasWeights = new Map();
  for (const groupName of names.length > 0 ? names : weights.keys()) {
    const group = weights.get(groupName);
    if (!(group instanceof h5.Group)) continue;
    const weightNames = stringList(group.attrs.weight_names?.value);
    const read = (w: string): KerasWeight => datasetRef(h5, group.get(w), `model_weights/${groupName}/${w}`, file);
    const inner = layers.filter((l) => l.container === groupName);
    if (inner.length === 0) {
      out.set(layers.find((l) => l.sourceName === groupName && !l.container)?.name ?? groupName, weightNames.map(read));
      continue;
    }
    for (const ref of inner) out.set(ref.name, []);
    for (const w of weightNames) {
      const ref = inner.find((l) => l.sourceName === layerOfWeightName(w));
      if (!ref) {
        throw new VebiError('MODEL_CORRUPT', `${file}: the weight "${w}" of the nested model "${groupName}" names no layer of that model. The weights do not belong to this model: save the model again.`, file);
      }
      out.get(ref.name)?.push(read(w));
    }
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Normalization's mean/variance given in the config: broadcast to the BatchNormalization shapes. */
function constantWeights(ref: KerasLayerRef, shapes: number[][]): KerasWeight[] {
  return (ref.constants ?? []).map((c, i) => {
    const size = shapes[i]?.reduce((a, b) => a * b, 1) ?? 0;
    const list = Array.isArray(c) ? c.flat(Infinity as 1) : [c];
    const values = new Float32Array(size).map((_, j) => Number(list.length === 1 ? list[0] : list[j]));
    return { name: `${ref.name} config ${i === 0 ? 'mean' : 'variance'}`, shape: shapes[i] ?? [], bytes: values.byteLength, read: () => values };
  });
}

/**
 * Reads one weight whose shape was checked against the model: the total read stays within the
 * model size limit, and the values must be as many as the shape says.
 */
function readChecked(w: KerasWeight, budget: { left: number }, file: string): Float32Array {
  budget.left -= w.bytes;
  if (budget.left < 0) {
    throw new VebiError('MODEL_TOO_LARGE', `${file}: the weights read up to "${w.name}" take more than VEBI's limit of ${LIMITS.modelBytes} bytes for a model. Check that the file really is this model, or export a smaller one.`, file);
  }
  const values = w.read();
  const count = w.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new VebiError('MODEL_CORRUPT', `${file}: the weight "${w.name}" has shape [${w.shape.join(', ')}] (${count} values) but holds ${values.length}. The file is damaged: save the model again.`, file);
  }
  return values;
}

/**
 * Sets every layer's weights on `model`, checking count and shapes before a value is read (a
 * dataset may declare any size); throws naming layer and weight.
 */
export function assignKerasWeights(model: tf.LayersModel, refs: KerasLayerRef[], weights: KerasWeights, file: string): void {
  const byName = new Map(refs.map((r) => [r.name, r]));
  const budget = { left: LIMITS.modelBytes };
  for (const layer of model.layers) {
    const expected = layer.weights;
    if (expected.length === 0) continue;
    const shapes = expected.map((w) => w.shape as number[]);
    const ref = byName.get(layer.name);
    let found = weights.get(layer.name) ?? [];
    // Normalization keeps mean, variance and a sample count; BatchNormalization takes the first two.
    if (ref?.className === 'Normalization') found = found.length > 0 ? found.slice(0, 2) : constantWeights(ref, shapes);
    if (found.length !== expected.length) {
      throw new VebiError(
        'WEIGHTS_MISSING',
        `${file}: layer "${layer.name}" (${ref?.className ?? layer.getClassName()}) needs ${expected.length} weight arrays (${expected.map((w) => w.originalName).join(', ')}) but the file holds ${found.length} for it. The weights do not belong to this model: save the model again.`,
        file,
      );
    }
    found.forEach((w, i) => {
      if (!sameShape(w.shape, shapes[i])) {
        throw new VebiError(
          'MODEL_CORRUPT',
          `${file}: layer "${layer.name}" weight "${expected[i].originalName}" should have shape [${shapes[i].join(', ')}], the file's "${w.name}" has [${w.shape.join(', ')}]. The weights do not match the model config: save the model again.`,
          file,
        );
      }
    });
    // Every value read before a tensor is made: a refusal then leaves no tensor behind.
    const values = found.map((w) => readChecked(w, budget, file));
    const tensors = values.map((v, i) => tf.tensor(v, found[i].shape, 'float32'));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
}
