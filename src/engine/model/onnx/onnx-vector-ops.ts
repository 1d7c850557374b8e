/**
 * ONNX ops on class-score vectors: Flatten / Reshape to [batch, features] and Gemm / MatMul as
 * Dense layers, and the Transposes around them in channels-last exports. PyTorch flattens a map channel-first, TF.js position-first: the following Dense
 * reorders its kernel rows so that the result is PyTorch's.
 */
import { BATCH } from './fold-shapes';
import type { OnnxTensor } from './onnx-ir';
import type { LayerSpec, NodeContext, OpConverter, Runtime } from './onnx-layer-builder';
import { denseKernel, type WeightArray } from './onnx-weights';

const flatten: OpConverter = (b, n, x) => {
  if (n.node.opType === 'Flatten' && Number(n.attributes.axis ?? 1) !== 1) throw n.refuse(`flattens from axis ${String(n.attributes.axis)}; only Flatten(axis=1) (keep the batch axis) is converted`);
  const size = x.shape.reduce((p, d) => p * d, 1);
  if (n.node.opType === 'Reshape') {
    const target = n.constAt(1);
    const rest = target?.data.slice(1).map(Number) ?? [];
    const batch = Number(target?.data[0]);
    // x.view(x.size(0), -1), x.view(-1, n) and, from a fixed-batch export, [1, n].
    const vector = target?.dims.length === 1 && rest.length === 1 && (rest[0] === -1 || rest[0] === size) && (batch === BATCH || batch === 0 || batch === 1 || (batch === -1 && rest[0] === size));
    if (!vector) throw n.refuse(`reshapes to [${target ? Array.from(target.data, (d) => (d === BATCH ? 'batch' : d)).join(', ') : 'a shape computed at run time'}]; only a reshape to [batch, features] (x.view(x.size(0), -1)) is converted`);
  }
  if (!x.spatial) return { ...x, shape: [size] }; // already a [N, F] tensor in the same order
  const layer = b.add('Flatten', n.name(), {}, [x.layer]);
  // A channels-last map flattens in TF.js's own order; a channels-first one in PyTorch's.
  const chw = !x.nhwc && x.shape[1] * x.shape[2] > 1 ? x.shape : undefined;
  return { kind: 'runtime', layer, shape: [size], spatial: false, chw, nonNegative: x.nonNegative };
};

const TO_CHANNELS_FIRST = [0, 3, 1, 2];
const TO_CHANNELS_LAST = [0, 2, 3, 1];

/** Transposes between NCHW and NHWC (tf2onnx, keras2onnx) change only ONNX's view of the map: no layer. */
const transpose: OpConverter = (_b, n, x) => {
  const perm = Array.isArray(n.attributes.perm) ? n.attributes.perm.map(Number).join() : '';
  if (x.spatial && x.nhwc && perm === TO_CHANNELS_FIRST.join()) return { ...x, nhwc: false, shape: [x.shape[2], x.shape[0], x.shape[1]] };
  if (x.spatial && !x.nhwc && perm === TO_CHANNELS_LAST.join()) return { ...x, nhwc: true, shape: [x.shape[1], x.shape[2], x.shape[0]] };
  throw n.refuse(`permutes the axes [${perm}] of a ${x.nhwc ? 'channels-last' : x.spatial ? 'channels-first' : 'vector'} value; only switching a feature map between channels-first and channels-last is converted`);
};

/** A Gemm's C or a MatMul's following Add as a Dense bias of `units` values. */
export function denseBias(n: NodeContext, c: OnnxTensor, units: number, beta: number): WeightArray {
  if (c.type !== 'float' || (c.data.length !== units && c.data.length !== 1)) throw n.refuse(`adds a bias of shape [${c.dims.join(', ')}] to ${units} outputs`);
  return { shape: [units], data: Float32Array.from({ length: units }, (_, i) => beta * c.data[c.data.length === 1 ? 0 : i]) };
}

const dense: OpConverter = (b, n, x: Runtime) => {
  const inputs = x.shape.reduce((p, d) => p * d, 1);
  const gemm = n.node.opType === 'Gemm';
  const w = n.constAt(1);
  const c = gemm ? n.constAt(2) : undefined;
  if (x.spatial) throw n.refuse('multiplies a feature map; only a vector ([batch, features], after Flatten) is converted');
  if (gemm && Number(n.attributes.transA ?? 0) !== 0) throw n.refuse('has transA=1; not converted');
  if (!w || w.type !== 'float' || w.dims.length !== 2) throw n.refuse('has no constant 2-D weight matrix');
  const transposed = gemm && Number(n.attributes.transB ?? 0) === 1;
  const [rows, units] = transposed ? [w.dims[1], w.dims[0]] : w.dims;
  if (rows !== inputs) throw n.refuse(`has a [${w.dims.join(', ')}] weight for ${inputs} inputs`);
  const kernel = denseKernel(w.data, w.dims, transposed, gemm ? Number(n.attributes.alpha ?? 1) : 1, x.chw);
  const bias = c ? denseBias(n, c, units, Number(n.attributes.beta ?? 1)) : undefined;
  const spec: LayerSpec = { name: n.name(), className: 'Dense', config: { units, activation: 'linear', use_bias: bias !== undefined }, inbound: [x.layer], weights: bias ? [kernel, bias] : [kernel] };
  b.layers.push(spec);
  return { kind: 'runtime', layer: spec.name, shape: [units], spatial: false, nonNegative: false, biasless: bias ? undefined : spec };
};

export const VECTOR_OPS: Record<string, OpConverter> = { Flatten: flatten, Reshape: flatten, Gemm: dense, MatMul: dense, Transpose: transpose };
