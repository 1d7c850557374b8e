/**
 * Converts an ONNX classifier graph (NCHW) into a TF.js layers topology (NHWC) plus its weights in
 * TF.js layout, so that the converted model runs through LayerGraphModel like any Keras model and
 * every part of the method (features, backward rules, receptive fields, ablation) works on it.
 * Pure data: nothing is built or run here, and anything outside the supported subset is refused
 * naming the node, before a tensor exists.
 */
import { VebiError } from '../../../shared/errors';
import { BATCH, FOLDABLE_OPS, foldNode } from './fold-shapes';
import { LayerNames } from './onnx-layer-names';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-ir';
import { convKernel, denseKernel, depthwiseKernel, type WeightArray } from './onnx-weights';
import { hasPadding, windowOf, withCeilPadding, type Window } from './onnx-windows';

type Json = Record<string, unknown>;

export interface LayerSpec {
  name: string;
  className: string;
  config: Json;
  /** Names of the layers whose outputs feed this one. */
  inbound: string[];
  /** In TF.js's weight order for the class. */
  weights: WeightArray[];
}

export interface ConvertedOnnx {
  /** For tf.models.modelFromJSON. */
  topology: Json;
  layers: LayerSpec[];
}

/** A value computed at run time: the output of a converted layer. */
interface Runtime {
  kind: 'runtime';
  layer: string;
  /** ONNX shape without the batch axis: [C, H, W] for a feature map, [F] for a vector. */
  shape: number[];
  /** The TF.js tensor is NHWC 4-D; false for vectors and for global pools' [C, 1, 1] (a [N, C] tensor). */
  spatial: boolean;
  /** A flattened [C, H, W] map, in TF.js's (H, W, C) order: a following Dense reorders its rows. */
  chw?: number[];
  /** Every element >= 0 (after a ReLU): zero padding is then exact for max pooling. */
  nonNegative: boolean;
  /** The bias-less Dense a MatMul became, which a following Add of a constant completes. */
  biasless?: LayerSpec;
}

type Value = { kind: 'const'; tensor: OnnxTensor } | Runtime;

/** Elementwise ops whose constant operand may come first. */
const ARITHMETIC = new Set(['Add', 'Sub', 'Mul', 'Div']);

const SUPPORTED_LIST =
  'Conv, Relu, Clip(0, max), LeakyRelu, Sigmoid, HardSigmoid, HardSwish, BatchNormalization, Pad (zeros), MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Gemm, MatMul, Flatten, Reshape to a vector, Add and Mul (of two computed values or with a number), Sub and Div by a number, Concat of channels, Identity, Dropout, a final Softmax/LogSoftmax, and shape computations (Shape, Gather, Unsqueeze, Concat, Constant, Cast)';

class OnnxConverter {
  private readonly values = new Map<string, Value>();
  private readonly uses = new Map<string, number>();
  private readonly layers: LayerSpec[] = [];
  private readonly names = new LayerNames();
  private readonly outputName: string;

  constructor(private readonly graph: OnnxGraph) {
    for (const node of graph.nodes) for (const input of node.inputs) this.uses.set(input, (this.uses.get(input) ?? 0) + 1);
    if (graph.outputs.length !== 1) throw this.modelError(`has ${graph.outputs.length} outputs; VEBI explains a classifier with one output, the class scores. Export the model with a single output`);
    this.outputName = graph.outputs[0].name;
  }

  private modelError(why: string): VebiError {
    return new VebiError('MODEL_UNSUPPORTED', `${this.graph.file} ${why}; nothing in the model was run.`, this.graph.file);
  }

  private refuse(node: OnnxNode, index: number, why: string): VebiError {
    const label = node.name ? `"${node.name}"` : `number ${index}`;
    return new VebiError(
      'MODEL_UNSUPPORTED',
      `${this.graph.file}: node ${label} (${node.domain ? `${node.domain}.` : ''}${node.opType}) ${why}. VEBI converts ONNX classifiers made of: ${SUPPORTED_LIST}. Nothing in the model was run; re-export the model without this operation (or replace the module) to use it with VEBI.`,
      this.graph.file,
    );
  }

  convert(): ConvertedOnnx {
    const inputLayer = this.input();
    this.graph.nodes.forEach((node, i) => this.node(node, i));
    const out = this.values.get(this.outputName);
    if (!out || out.kind !== 'runtime' || out.shape.length !== 1 && !(out.shape.length === 3 && !out.spatial)) {
      throw this.modelError(`has the output "${this.outputName}", which is not a vector of class scores ([batch, classes]) computed from the image. Export the classifier up to its class scores (logits)`);
    }
    const layers = this.layers.map((l) => ({
      class_name: l.className,
      name: l.name,
      config: { ...l.config, name: l.name },
      inbound_nodes: l.inbound.length === 0 ? [] : [l.inbound.map((n) => [n, 0, 0, {}])],
    }));
    const topology = { class_name: 'Functional', config: { name: 'onnx_model', layers, input_layers: [[inputLayer, 0, 0]], output_layers: [[out.layer, 0, 0]] } };
    return { topology, layers: this.layers };
  }

  private input(): string {
    const inputs = this.graph.inputs;
    if (inputs.length !== 1) {
      throw this.modelError(`has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); VEBI explains image classifiers with one image input. Export a module that takes only the image (fix the other inputs inside it)`);
    }
    const [info] = inputs;
    const shape = info.shape;
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => d === undefined)) {
      throw this.modelError(`has the input "${info.name}" of shape [${(shape ?? []).map((d) => d ?? '?').join(', ')}]; VEBI needs an image input [batch, channels, height, width] with fixed channels, height and width. Export with a fixed image size (dynamic_axes only on the batch axis)`);
    }
    const [, c, h, w] = shape as number[];
    const name = this.add('InputLayer', this.names.unique(info.name || 'input'), { batch_input_shape: [null, h, w, c], dtype: 'float32', sparse: false }, []);
    this.values.set(info.name, { kind: 'runtime', layer: name, shape: [c, h, w], spatial: true, nonNegative: false });
    return name;
  }

  private add(className: string, name: string, config: Json, inbound: string[], weights: WeightArray[] = []): string {
    this.layers.push({ name, className, config, inbound, weights });
    return name;
  }

  private value(name: string, node: OnnxNode, index: number): Value | undefined {
    if (name === '') return undefined;
    const known = this.values.get(name);
    if (known) return known;
    const init = this.graph.initializers.get(name);
    if (init) return { kind: 'const', tensor: init };
    throw new VebiError('MODEL_CORRUPT', `${this.graph.file}: node "${node.name || index}" (${node.opType}) reads "${name}", which no earlier node computes; the graph is damaged or not in topological order. Export the model again.`, this.graph.file);
  }

  private node(node: OnnxNode, index: number): void {
    if (node.domain !== '') throw this.refuse(node, index, `belongs to the operator domain "${node.domain}", not standard ONNX`);
    const inputs = node.inputs.map((n) => this.value(n, node, index));
    const runtime = inputs.filter((v): v is Runtime => v?.kind === 'runtime');
    if (FOLDABLE_OPS.has(node.opType)) {
      const consts = inputs.map((v) => (v?.kind === 'const' ? v.tensor : undefined));
      const first = inputs[0]?.kind === 'runtime' ? inputs[0].shape : undefined;
      const folded = foldNode(node, consts, first, this.graph.opset);
      if (folded) return void this.values.set(node.outputs[0], { kind: 'const', tensor: folded });
    }
    if (node.opType === 'Identity' || node.opType === 'Dropout') {
      if (inputs[0]) this.values.set(node.outputs[0], inputs[0]);
      return;
    }
    if (runtime.length === 0) throw this.refuse(node, index, 'computes on constants in a way VEBI does not fold');
    const x = ARITHMETIC.has(node.opType) ? runtime[0] : inputs[0];
    if (!x || x.kind !== 'runtime') throw this.refuse(node, index, 'takes a constant as its first input');
    const out = this.op(node, index, x, inputs);
    this.values.set(node.outputs[0], out);
  }

  private op(node: OnnxNode, index: number, x: Runtime, inputs: (Value | undefined)[]): Runtime {
    const name = (): string => this.names.forNode(node.name, node.opType, index);
    const constAt = (i: number): OnnxTensor | undefined => (inputs[i]?.kind === 'const' ? (inputs[i] as { tensor: OnnxTensor }).tensor : undefined);
    const a = node.attributes;
    switch (node.opType) {
      case 'Conv':
        return this.conv(node, index, x, constAt(1), constAt(2), name());
      case 'Relu':
        return this.unary(x, 'ReLU', name(), {}, true);
      case 'Clip': {
        const min = this.graph.opset >= 11 ? (constAt(1)?.data[0] ?? -Infinity) : Number(a.min ?? -Infinity);
        const max = this.graph.opset >= 11 ? (constAt(2)?.data[0] ?? Infinity) : Number(a.max ?? Infinity);
        if (min !== 0 || (inputs[2]?.kind === 'runtime')) throw this.refuse(node, index, `clips to [${min}, ${max}]; only Clip(0, max) (ReLU, ReLU6) is converted`);
        return this.unary(x, 'ReLU', name(), Number.isFinite(max) ? { max_value: max } : {}, true);
      }
      case 'LeakyRelu':
        return this.unary(x, 'LeakyReLU', name(), { alpha: Number(a.alpha ?? 0.01) }, false);
      case 'Sigmoid':
        return this.unary(x, 'Activation', name(), { activation: 'sigmoid' }, true);
      case 'HardSigmoid':
      case 'HardSwish':
        return this.hardSigmoid(node, x, name());
      case 'Pad':
        return this.pad(node, index, x, constAt(1), constAt(2), name);
      case 'BatchNormalization':
        return this.batchNorm(node, index, x, inputs, name());
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(node, index, x, name());
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const map = this.spatial(node, index, x);
        const layer = this.add(node.opType === 'GlobalAveragePool' ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D', name(), {}, [map.layer]);
        return { kind: 'runtime', layer, shape: [map.shape[0], 1, 1], spatial: false, nonNegative: x.nonNegative };
      }
      case 'Flatten':
        if (Number(a.axis ?? 1) !== 1) throw this.refuse(node, index, `flattens from axis ${String(a.axis)}; only Flatten(axis=1) (keep the batch axis) is converted`);
        return this.flatten(x, name);
      case 'Reshape': {
        const target = constAt(1);
        const size = x.shape.reduce((p, d) => p * d, 1);
        const rest = target?.data.slice(1).map(Number) ?? [];
        const batch = Number(target?.data[0]);
        const vector = target?.dims.length === 1 && rest.length === 1 && (rest[0] === -1 || rest[0] === size) && (batch === BATCH || batch === 0 || batch === 1 || (batch === -1 && rest[0] === size));
        if (!vector) throw this.refuse(node, index, `reshapes to [${target ? Array.from(target.data, (d) => (d === BATCH ? 'batch' : d)).join(', ') : 'a shape computed at run time'}]; only a reshape to [batch, features] (x.view(x.size(0), -1)) is converted`);
        return this.flatten(x, name);
      }
      case 'Gemm':
      case 'MatMul':
        return this.dense(node, index, x, constAt(1), constAt(2), name());
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return this.arithmetic(node, index, inputs, name);
      case 'Concat':
        return this.concat(node, index, inputs, name());
      case 'Softmax':
      case 'LogSoftmax':
        // The class score is the logit before it: dropped when it produces the model's output.
        if (node.outputs[0] === this.outputName && !x.spatial) return x;
        throw this.refuse(node, index, 'is not the last operation of the model; only a final Softmax/LogSoftmax (dropped: VEBI reads the logits) is converted');
      default:
        throw this.refuse(node, index, 'is an operation VEBI does not convert');
    }
  }

  /** `x` as an NHWC feature map (a global pool's [C, 1, 1] output reshaped), or a refusal. */
  private spatial(node: OnnxNode, index: number, x: Runtime): Runtime {
    if (x.spatial) return x;
    if (x.shape.length === 3) return this.asMap(x);
    throw this.refuse(node, index, `takes a [${x.shape.join(', ')}] input where a feature map [channels, height, width] is expected`);
  }

  private unary(x: Runtime, className: string, name: string, config: Json, nonNegative: boolean): Runtime {
    return { ...x, biasless: undefined, layer: this.add(className, name, config, [x.layer]), nonNegative };
  }

  /** Explicit pads a TF.js op cannot express become a ZeroPadding2D layer before it. */
  private padded(x: Runtime, window: Window, name: string): string {
    if (!hasPadding(window)) return x.layer;
    return this.add('ZeroPadding2D', this.names.unique(`${name}.pad`), { padding: window.pads }, [x.layer]);
  }

  private conv(node: OnnxNode, index: number, input: Runtime, w: OnnxTensor | undefined, b: OnnxTensor | undefined, name: string): Runtime {
    const x = this.spatial(node, index, input);
    const [c, h, wIn] = x.shape;
    if (!w || w.type !== 'float' || w.dims.length !== 4) throw this.refuse(node, index, 'has no constant 4-D weight; only 2-D convolutions with weights stored in the file are converted');
    const [m, perGroup, kh, kw] = w.dims;
    const group = Number(node.attributes.group ?? 1);
    const depthwise = group > 1 && group === c && perGroup === 1;
    if (group < 1 || perGroup * group !== c || m % group !== 0) throw this.refuse(node, index, `has a [${w.dims.join(', ')}] weight with groups=${group} for ${c} input channels`);
    const window = windowOf(node, [h, wIn], [kh, kw]);
    if (window.strides.some((s) => s > 1) && window.dilations.some((d) => d > 1)) throw this.refuse(node, index, 'combines strides and dilations above 1, which TensorFlow.js cannot run');
    const padded = this.padded(x, window, name);
    const common = { kernel_size: window.kernel, strides: window.strides, padding: window.mode, dilation_rate: window.dilations, activation: 'linear', use_bias: b !== undefined };
    const kernel = depthwise ? depthwiseKernel(w.data, w.dims, c) : convKernel(w.data, w.dims, group);
    const weights = b && b.type === 'float' ? [kernel, { shape: [m], data: b.data }] : [kernel];
    const config = depthwise ? { ...common, depth_multiplier: m / c } : { ...common, filters: m };
    const layer = this.add(depthwise ? 'DepthwiseConv2D' : 'Conv2D', name, config, [padded], weights);
    return { kind: 'runtime', layer, shape: [m, ...window.outSize], spatial: true, nonNegative: false };
  }

  /**
   * HardSigmoid(x) = clip(alpha * x + beta, 0, 1) as Rescaling + ReLU(max 1); HardSwish(x) =
   * x * HardSigmoid(x) with PyTorch's alpha 1/6, beta 1/2, as that times x.
   */
  private hardSigmoid(node: OnnxNode, x: Runtime, name: string): Runtime {
    const swish = node.opType === 'HardSwish';
    const alpha = swish ? 1 / 6 : Number(node.attributes.alpha ?? 0.2);
    const beta = swish ? 0.5 : Number(node.attributes.beta ?? 0.5);
    const affine = this.add('Rescaling', this.names.unique(`${name}.affine`), { scale: alpha, offset: beta }, [x.layer]);
    const gate = this.add('ReLU', swish ? this.names.unique(`${name}.gate`) : name, { max_value: 1 }, [affine]);
    const layer = swish ? this.add('Multiply', name, {}, [x.layer, gate]) : gate;
    return { ...x, biasless: undefined, layer, nonNegative: !swish };
  }

  /** A constant-zero Pad of the spatial axes: a ZeroPadding2D layer (none when every pad is 0). */
  private pad(node: OnnxNode, index: number, input: Runtime, padsInput: OnnxTensor | undefined, valueInput: OnnxTensor | undefined, name: () => string): Runtime {
    const a = node.attributes;
    const pads = this.graph.opset >= 11 ? Array.from(padsInput?.data ?? [], Number) : Array.isArray(a.pads) ? a.pads.map(Number) : [];
    const value = this.graph.opset >= 11 ? Number(valueInput?.data[0] ?? 0) : Number(a.value ?? 0);
    const mode = typeof a.mode === 'string' ? a.mode : 'constant';
    const x = this.spatial(node, index, input);
    if (node.inputs.length > 3 || pads.length !== 8 || mode !== 'constant' || value !== 0 || pads.some((p) => p < 0) || pads[0] + pads[1] + pads[4] + pads[5] > 0) {
      throw this.refuse(node, index, `pads with mode "${mode}", value ${value}, pads [${pads.join(', ')}]; only zero padding of height and width is converted`);
    }
    const [, , top, left, , , bottom, right] = pads;
    if (top + left + bottom + right === 0) return x;
    const layer = this.add('ZeroPadding2D', name(), { padding: [[top, bottom], [left, right]] }, [x.layer]);
    return { ...x, layer, shape: [x.shape[0], x.shape[1] + top + bottom, x.shape[2] + left + right] };
  }

  private batchNorm(node: OnnxNode, index: number, x: Runtime, inputs: (Value | undefined)[], name: string): Runtime {
    const params = inputs.slice(1, 5).map((v) => (v?.kind === 'const' && v.tensor.type === 'float' ? v.tensor.data : undefined));
    if (params.length !== 4 || params.some((p) => !p || p.length !== x.shape[0])) throw this.refuse(node, index, 'has no constant per-channel scale, bias, mean and variance');
    if (Number(node.attributes.training_mode ?? 0) !== 0) throw this.refuse(node, index, 'is in training mode; export the model after model.eval()');
    if (x.chw && x.chw[1] * x.chw[2] > 1) throw this.refuse(node, index, 'normalises a flattened feature map; only per-channel or per-feature normalisation is converted');
    const [gamma, beta, mean, variance] = params as Float32Array[];
    const shape = [x.shape[0]];
    const weights = [gamma, beta, mean, variance].map((data) => ({ shape, data }));
    const layer = this.add('BatchNormalization', name, { axis: -1, epsilon: Number(node.attributes.epsilon ?? 1e-5), center: true, scale: true }, [x.layer], weights);
    return { ...x, biasless: undefined, layer, nonNegative: false };
  }

  private pool(node: OnnxNode, index: number, input: Runtime, name: string): Runtime {
    const x = this.spatial(node, index, input);
    const [c, h, w] = x.shape;
    let window = windowOf(node, [h, w]);
    const max = node.opType === 'MaxPool';
    if (window.dilations.some((d) => d !== 1)) throw this.refuse(node, index, 'has dilations; dilated pooling is not converted');
    if (window.ceilExtra.some((e) => e > 0)) {
      // The overhanging windows of ceil_mode see only real inputs: zero padding is exact for a max of non-negative values.
      if (!max || !x.nonNegative) throw this.refuse(node, index, `uses ceil_mode=1 where it changes the output size, ${max ? 'on an input that can be negative' : 'in an average'}; not converted exactly (export with ceil_mode=False)`);
      window = withCeilPadding(window);
    }
    if (node.outputs.length > 1 && node.outputs[1] !== '') throw this.refuse(node, index, 'also outputs indices; not converted');
    if (hasPadding(window)) {
      // Zero padding equals ONNX's -inf (MaxPool) only on non-negative inputs, and counts in averages.
      if (max && !x.nonNegative) throw this.refuse(node, index, 'pads an input that can be negative with a padding TensorFlow.js\'s "same" mode does not produce; not converted exactly');
      if (!max && Number(node.attributes.count_include_pad ?? 0) !== 1) throw this.refuse(node, index, 'averages with count_include_pad=0 over a padding TensorFlow.js\'s "same" mode does not produce; not converted exactly');
    } else if (!max && window.mode === 'same' && Number(node.attributes.count_include_pad ?? 0) === 1) {
      throw this.refuse(node, index, 'averages with count_include_pad=1 in "same" padding; not converted exactly');
    }
    const padded = this.padded(x, window, name);
    const layer = this.add(max ? 'MaxPooling2D' : 'AveragePooling2D', name, { pool_size: window.kernel, strides: window.strides, padding: window.mode }, [padded]);
    return { kind: 'runtime', layer, shape: [c, ...window.outSize], spatial: true, nonNegative: x.nonNegative };
  }

  private flatten(x: Runtime, name: () => string): Runtime {
    const size = x.shape.reduce((p, d) => p * d, 1);
    if (!x.spatial) return { ...x, shape: [size] }; // already a [N, F] tensor in the same order
    const layer = this.add('Flatten', name(), {}, [x.layer]);
    const chw = x.shape[1] * x.shape[2] > 1 ? x.shape : undefined;
    return { kind: 'runtime', layer, shape: [size], spatial: false, chw, nonNegative: x.nonNegative };
  }

  private dense(node: OnnxNode, index: number, x: Runtime, b: OnnxTensor | undefined, c: OnnxTensor | undefined, name: string): Runtime {
    const inputs = x.shape.reduce((p, d) => p * d, 1);
    const gemm = node.opType === 'Gemm';
    if (x.spatial) throw this.refuse(node, index, 'multiplies a feature map; only a vector ([batch, features], after Flatten) is converted');
    if (gemm && Number(node.attributes.transA ?? 0) !== 0) throw this.refuse(node, index, 'has transA=1; not converted');
    if (!b || b.type !== 'float' || b.dims.length !== 2) throw this.refuse(node, index, 'has no constant 2-D weight matrix');
    const transposed = gemm && Number(node.attributes.transB ?? 0) === 1;
    const [rows, units] = transposed ? [b.dims[1], b.dims[0]] : b.dims;
    if (rows !== inputs) throw this.refuse(node, index, `has a [${b.dims.join(', ')}] weight for ${inputs} inputs`);
    const kernel = denseKernel(b.data, b.dims, transposed, gemm ? Number(node.attributes.alpha ?? 1) : 1, x.chw);
    const bias = gemm && c ? this.bias(node, index, c, units, Number(node.attributes.beta ?? 1)) : undefined;
    const spec: LayerSpec = { name, className: 'Dense', config: { units, activation: 'linear', use_bias: bias !== undefined }, inbound: [x.layer], weights: bias ? [kernel, bias] : [kernel] };
    this.layers.push(spec);
    return { kind: 'runtime', layer: name, shape: [units], spatial: false, nonNegative: false, biasless: bias ? undefined : spec };
  }

  private bias(node: OnnxNode, index: number, c: OnnxTensor, units: number, beta: number): WeightArray {
    if (c.type !== 'float' || (c.data.length !== units && c.data.length !== 1)) throw this.refuse(node, index, `adds a bias of shape [${c.dims.join(', ')}] to ${units} outputs`);
    return { shape: [units], data: Float32Array.from({ length: units }, (_, i) => beta * c.data[c.data.length === 1 ? 0 : i]) };
  }

  private arithmetic(node: OnnxNode, index: number, inputs: (Value | undefined)[], name: () => string): Runtime {
    const [p, q] = inputs;
    if (p?.kind === 'runtime' && q?.kind === 'runtime') return this.merge(node, index, p, q, name);
    const constant = (p?.kind === 'const' ? p : q) as { kind: 'const'; tensor: OnnxTensor };
    const first = constant === p;
    const x = (first ? q : p) as Runtime;
    if (node.opType === 'Add' && x.biasless && this.uses.get(node.inputs[first ? 1 : 0]) === 1) {
      // MatMul + Add(bias): the Dense the MatMul became gets the bias.
      const spec = x.biasless;
      spec.weights.push(this.bias(node, index, constant.tensor, x.shape[0], 1));
      spec.config.use_bias = true;
      return { ...x, biasless: undefined };
    }
    const c = constant.tensor.type === 'float' && constant.tensor.data.length === 1 ? constant.tensor.data[0] : undefined;
    if (c === undefined || (node.opType === 'Div' && first)) {
      throw this.refuse(node, index, `combines a computed value with the constant "${node.inputs[first ? 0 : 1]}" of shape [${constant.tensor.dims.join(', ')}]; only a single number is converted (an input normalisation belongs in VEBI's preprocessing: --preprocessing meanstd:...)`);
    }
    // x * c, x + c, x - c, c - x, x / c as one Rescaling layer: scale * x + offset.
    const [scale, offset] = { Add: [1, c], Sub: first ? [-1, c] : [1, -c], Mul: [c, 0], Div: [1 / c, 0] }[node.opType as 'Add' | 'Sub' | 'Mul' | 'Div'];
    const layer = this.add('Rescaling', name(), { scale, offset }, [x.layer]);
    return { ...x, layer, biasless: undefined, nonNegative: x.nonNegative && scale >= 0 && offset >= 0 };
  }

  private merge(node: OnnxNode, index: number, p: Runtime, q: Runtime, name: () => string): Runtime {
    if (node.opType === 'Sub' || node.opType === 'Div') throw this.refuse(node, index, `${node.opType === 'Sub' ? 'subtracts' : 'divides'} two computed values; not converted`);
    if (p.chw || q.chw) throw this.refuse(node, index, 'combines a flattened feature map; not converted');
    const [x, y] = [p, q].map((v) => (v.shape.length === 3 && !v.spatial && (p.spatial || q.spatial) ? this.asMap(v) : v));
    const same = x.shape.join() === y.shape.join();
    const broadcast = x.spatial && y.spatial && node.opType === 'Mul' && (x.shape[1] * x.shape[2] === 1 || y.shape[1] * y.shape[2] === 1) && x.shape[0] === y.shape[0];
    if (!same && !broadcast) throw this.refuse(node, index, `combines values of shapes [${x.shape.join(', ')}] and [${y.shape.join(', ')}]; only equal shapes (and a per-channel scale) are converted`);
    const layer = this.add(node.opType === 'Add' ? 'Add' : 'Multiply', name(), {}, [x.layer, y.layer]);
    const shape = x.shape.map((d, i) => Math.max(d, y.shape[i]));
    return { kind: 'runtime', layer, shape, spatial: x.spatial, nonNegative: node.opType === 'Add' ? x.nonNegative && y.nonNegative : false };
  }

  /** A global pool's [N, C] output as a [N, 1, 1, C] map, for ops that combine it with maps. */
  private asMap(v: Runtime): Runtime {
    const layer = this.add('Reshape', this.names.unique(`${v.layer}.map`), { target_shape: [1, 1, v.shape[0]] }, [v.layer]);
    return { ...v, layer, spatial: true, biasless: undefined };
  }

  private concat(node: OnnxNode, index: number, inputs: (Value | undefined)[], name: string): Runtime {
    const parts = inputs.filter((v): v is Runtime => v?.kind === 'runtime');
    if (parts.length !== inputs.length) throw this.refuse(node, index, 'concatenates constants with computed values; not converted');
    const rank = parts[0].shape.length + 1;
    const axis = Number(node.attributes.axis ?? 1);
    if ((axis < 0 ? axis + rank : axis) !== 1) throw this.refuse(node, index, `concatenates along axis ${axis}; only channels (axis 1) are converted`);
    if (parts.some((v) => v.chw || v.spatial !== parts[0].spatial || v.shape.slice(1).join() !== parts[0].shape.slice(1).join())) {
      throw this.refuse(node, index, `concatenates values of shapes ${parts.map((v) => `[${v.shape.join(', ')}]`).join(', ')} that differ beyond the channel axis`);
    }
    if (parts.length === 1) return parts[0]; // torch.cat([x], 1) (DenseNet's first layer)
    const channels = parts.reduce((s, v) => s + v.shape[0], 0);
    const layer = this.add('Concatenate', name, { axis: -1 }, parts.map((v) => v.layer));
    return { kind: 'runtime', layer, shape: [channels, ...parts[0].shape.slice(1)], spatial: parts[0].spatial, nonNegative: parts.every((v) => v.nonNegative) };
  }
}

/** The TF.js topology and weights of an ONNX classifier graph; throws MODEL_UNSUPPORTED naming the first node it cannot convert. */
export function onnxToLayers(graph: OnnxGraph): ConvertedOnnx {
  return new OnnxConverter(graph).convert();
}
