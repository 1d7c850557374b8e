/**
 * ONNX ops that slide a window or pad feature maps (Conv, MaxPool, AveragePool, global pools and
 * their ReduceMean/ReduceMax spelling, Pad) as TF.js layers, with weights in NHWC layout and padding kept exact.
 */
import type { LayerBuilder, NodeContext, OpConverter, Runtime } from './onnx-layer-builder';
import { convKernel, depthwiseKernel } from './onnx-weights';
import { hasPadding, windowOf, withCeilPadding } from './onnx-windows';

const conv: OpConverter = (b, n, input) => {
  const x = b.spatial(n, input);
  const [c, h, wIn] = x.shape;
  const w = n.constAt(1);
  const bias = n.constAt(2);
  if (!w || w.type !== 'float' || w.dims.length !== 4) throw n.refuse('has no constant 4-D weight; only 2-D convolutions with weights stored in the file are converted');
  const [m, perGroup, kh, kw] = w.dims;
  const group = Number(n.attributes.group ?? 1);
  const depthwise = group > 1 && group === c && perGroup === 1;
  if (group < 1 || perGroup * group !== c || m % group !== 0) throw n.refuse(`has a [${w.dims.join(', ')}] weight with groups=${group} for ${c} input channels`);
  const window = windowOf(n.node, [h, wIn], [kh, kw]);
  if (window.strides.some((s) => s > 1) && window.dilations.some((d) => d > 1)) throw n.refuse('combines strides and dilations above 1, which TensorFlow.js cannot run');
  const name = n.name();
  const padded = b.padded(x, window, name);
  const common = { kernel_size: window.kernel, strides: window.strides, padding: window.mode, dilation_rate: window.dilations, activation: 'linear', use_bias: bias !== undefined };
  const kernel = depthwise ? depthwiseKernel(w.data, w.dims, c) : convKernel(w.data, w.dims, group);
  const weights = bias && bias.type === 'float' ? [kernel, { shape: [m], data: bias.data }] : [kernel];
  const config = depthwise ? { ...common, depth_multiplier: m / c } : { ...common, filters: m };
  const layer = b.add(depthwise ? 'DepthwiseConv2D' : 'Conv2D', name, config, [padded], weights);
  return { kind: 'runtime', layer, shape: [m, ...window.outSize], spatial: true, nonNegative: false };
};

const pool: OpConverter = (b, n, input) => {
  const x = b.spatial(n, input);
  const [c, h, w] = x.shape;
  let window = windowOf(n.node, [h, w]);
  const max = n.node.opType === 'MaxPool';
  if (window.dilations.some((d) => d !== 1)) throw n.refuse('has dilations; dilated pooling is not converted');
  if (window.ceilExtra.some((e) => e > 0)) {
    // The overhanging windows of ceil_mode see only real inputs: zero padding is exact for a max of non-negative values.
    if (!max || !x.nonNegative) throw n.refuse(`uses ceil_mode=1 where it changes the output size, ${max ? 'on an input that can be negative' : 'in an average'}; not converted exactly (export with ceil_mode=False)`);
    window = withCeilPadding(window);
  }
  if (n.node.outputs.length > 1 && n.node.outputs[1] !== '') throw n.refuse('also outputs indices; not converted');
  if (!max && window.pads.flat().some((p) => p > 0)) {
    // Zero padding counted in the average is exact, forward and backward. TF.js's 'same' average
    // leaves the padding out, like count_include_pad=0, but its gradient divides by the whole window.
    if (Number(n.attributes.count_include_pad ?? 0) !== 1) throw n.refuse('averages over padded borders without counting the padding (count_include_pad=0): TensorFlow.js computes that op\'s gradient wrongly at the borders, so explanations would be wrong; not converted (use count_include_pad=True, or no padding)');
    window = { ...window, mode: 'valid' };
  }
  // Zero padding equals ONNX's -inf (MaxPool) only on non-negative inputs.
  if (max && hasPadding(window) && !x.nonNegative) throw n.refuse('pads an input that can be negative with a padding TensorFlow.js\'s "same" mode does not produce; not converted exactly');
  const name = n.name();
  const padded = b.padded(x, window, name);
  const layer = b.add(max ? 'MaxPooling2D' : 'AveragePooling2D', name, { pool_size: window.kernel, strides: window.strides, padding: window.mode }, [padded]);
  return { kind: 'runtime', layer, shape: [c, ...window.outSize], spatial: true, nonNegative: x.nonNegative };
};

const globalPool: OpConverter = (b, n, x) => {
  const op = n.node.opType;
  let keepDims = true;
  if (op === 'ReduceMean' || op === 'ReduceMax') {
    // x.mean((2, 3)): axes are an attribute before opset 18, an input from it.
    const axes = (Array.isArray(n.attributes.axes) ? n.attributes.axes.map(Number) : Array.from(n.constAt(1)?.data ?? [], Number)).map((a) => (a < 0 ? a + 4 : a));
    if (axes.length !== 2 || !axes.includes(2) || !axes.includes(3)) throw n.refuse(`reduces the axes [${axes.join(', ')}]; only the spatial axes [2, 3] (a global pooling) are converted`);
    keepDims = Number(n.attributes.keepdims ?? 1) === 1;
  }
  const map = b.spatial(n, x);
  const layer = b.add(op === 'GlobalAveragePool' || op === 'ReduceMean' ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D', n.name(), {}, [map.layer]);
  return { kind: 'runtime', layer, shape: keepDims ? [map.shape[0], 1, 1] : [map.shape[0]], spatial: false, nonNegative: x.nonNegative };
};

/** A constant-zero Pad of the spatial axes: a ZeroPadding2D layer (none when every pad is 0). */
const pad: OpConverter = (b: LayerBuilder, n: NodeContext, input: Runtime) => {
  const a = n.attributes;
  const inputs = b.graph.opset >= 11;
  const pads = inputs ? Array.from(n.constAt(1)?.data ?? [], Number) : Array.isArray(a.pads) ? a.pads.map(Number) : [];
  const value = inputs ? Number(n.constAt(2)?.data[0] ?? 0) : Number(a.value ?? 0);
  const mode = typeof a.mode === 'string' ? a.mode : 'constant';
  const x = b.spatial(n, input);
  if (n.node.inputs.length > 3 || pads.length !== 8 || mode !== 'constant' || value !== 0 || pads.some((p) => p < 0) || pads[0] + pads[1] + pads[4] + pads[5] > 0) {
    throw n.refuse(`pads with mode "${mode}", value ${value}, pads [${pads.join(', ')}]; only zero padding of height and width is converted`);
  }
  const [, , top, left, , , bottom, right] = pads;
  if (top + left + bottom + right === 0) return x;
  const layer = b.add('ZeroPadding2D', n.name(), { padding: [[top, bottom], [left, right]] }, [x.layer]);
  return { ...x, layer, shape: [x.shape[0], x.shape[1] + top + bottom, x.shape[2] + left + right] };
};

export const WINDOW_OPS: Record<string, OpConverter> = {
  Conv: conv,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  ReduceMean: globalPool,
  ReduceMax: globalPool,
  Pad: pad,
};
