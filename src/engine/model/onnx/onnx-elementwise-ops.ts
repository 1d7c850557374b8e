/**
 * ONNX ops that work value by value or channel by channel: activations, BatchNormalization,
 * arithmetic with numbers or between two computed values, channel concatenation, and the final
 * Softmax, which is dropped (VEBI's class score is the logit before it).
 */
import type { OnnxTensor } from './onnx-ir';
import type { NodeContext, OpConverter, Runtime } from './onnx-layer-builder';
import { denseBias } from './onnx-vector-ops';

const relu: OpConverter = (b, n, x) => b.unary(x, 'ReLU', n.name(), {}, true);

/** Clip(0, max): ReLU6 and friends. Bounds are attributes before opset 11, inputs from it. */
const clip: OpConverter = (b, n, x) => {
  const inputs = b.graph.opset >= 11;
  const min = inputs ? (n.constAt(1)?.data[0] ?? -Infinity) : Number(n.attributes.min ?? -Infinity);
  const max = inputs ? (n.constAt(2)?.data[0] ?? Infinity) : Number(n.attributes.max ?? Infinity);
  if (min !== 0 || n.inputs[2]?.kind === 'runtime') throw n.refuse(`clips to [${min}, ${max}]; only Clip(0, max) (ReLU, ReLU6) is converted`);
  return b.unary(x, 'ReLU', n.name(), Number.isFinite(max) ? { max_value: max } : {}, true);
};

const leakyRelu: OpConverter = (b, n, x) => b.unary(x, 'LeakyReLU', n.name(), { alpha: Number(n.attributes.alpha ?? 0.01) }, false);

const sigmoid: OpConverter = (b, n, x) => b.unary(x, 'Activation', n.name(), { activation: 'sigmoid' }, true);

/**
 * HardSigmoid(x) = clip(alpha * x + beta, 0, 1) as Rescaling + ReLU(max 1); HardSwish(x) =
 * x * HardSigmoid(x) with PyTorch's alpha 1/6, beta 1/2, as that times x.
 */
const hardSigmoid: OpConverter = (b, n, x) => {
  const swish = n.node.opType === 'HardSwish';
  const alpha = swish ? 1 / 6 : Number(n.attributes.alpha ?? 0.2);
  const beta = swish ? 0.5 : Number(n.attributes.beta ?? 0.5);
  const name = n.name();
  const affine = b.helper(name, 'affine', 'Rescaling', { scale: alpha, offset: beta }, [x.layer]);
  const gate = swish ? b.helper(name, 'gate', 'ReLU', { max_value: 1 }, [affine]) : b.add('ReLU', name, { max_value: 1 }, [affine]);
  const layer = swish ? b.add('Multiply', name, {}, [x.layer, gate]) : gate;
  return { ...x, biasless: undefined, layer, nonNegative: !swish };
};

const batchNorm: OpConverter = (b, n, x) => {
  const params = [1, 2, 3, 4].map((i) => n.constAt(i)).map((t) => (t?.type === 'float' && t.data.length === x.shape[0] ? t.data : undefined));
  if (params.some((p) => !p)) throw n.refuse('has no constant per-channel scale, bias, mean and variance');
  if (Number(n.attributes.training_mode ?? 0) !== 0) throw n.refuse('is in training mode; export the model after model.eval()');
  if (x.chw && x.chw[1] * x.chw[2] > 1) throw n.refuse('normalises a flattened feature map; only per-channel or per-feature normalisation is converted');
  const weights = (params as Float32Array[]).map((data) => ({ shape: [x.shape[0]], data })); // gamma, beta, mean, variance
  const layer = b.add('BatchNormalization', n.name(), { axis: -1, epsilon: Number(n.attributes.epsilon ?? 1e-5), center: true, scale: true }, [x.layer], weights);
  return { ...x, biasless: undefined, layer, nonNegative: false };
};

/** Add/Mul of two computed values of one shape, or a map times a per-channel [C, 1, 1] scale. */
function merge(b: Parameters<OpConverter>[0], n: NodeContext, p: Runtime, q: Runtime): Runtime {
  const op = n.node.opType;
  if (op === 'Sub' || op === 'Div') throw n.refuse(`${op === 'Sub' ? 'subtracts' : 'divides'} two computed values; not converted`);
  if (p.chw || q.chw) throw n.refuse('combines a flattened feature map; not converted');
  const [x, y] = [p, q].map((v) => (v.shape.length === 3 && !v.spatial && (p.spatial || q.spatial) ? b.asMap(v) : v));
  const same = x.shape.join() === y.shape.join();
  const broadcast = x.spatial && y.spatial && op === 'Mul' && (x.shape[1] * x.shape[2] === 1 || y.shape[1] * y.shape[2] === 1) && x.shape[0] === y.shape[0];
  if (!same && !broadcast) throw n.refuse(`combines values of shapes [${x.shape.join(', ')}] and [${y.shape.join(', ')}]; only equal shapes (and a per-channel scale) are converted`);
  const layer = b.add(op === 'Add' ? 'Add' : 'Multiply', n.name(), {}, [x.layer, y.layer]);
  const shape = x.shape.map((d, i) => Math.max(d, y.shape[i]));
  return { kind: 'runtime', layer, shape, spatial: x.spatial, nonNegative: op === 'Add' ? x.nonNegative && y.nonNegative : false };
}

/** Add/Sub/Mul/Div: of two computed values, a MatMul's bias, or with a single number (a Rescaling layer). */
const arithmetic: OpConverter = (b, n) => {
  const [p, q] = n.inputs;
  if (p?.kind === 'runtime' && q?.kind === 'runtime') return merge(b, n, p, q);
  const first = p?.kind === 'const';
  const constant = n.constAt(first ? 0 : 1) as OnnxTensor;
  const x = (first ? q : p) as Runtime;
  const op = n.node.opType as 'Add' | 'Sub' | 'Mul' | 'Div';
  if (op === 'Add' && x.biasless && b.uses.get(n.node.inputs[first ? 1 : 0]) === 1) {
    // MatMul + Add(bias): the Dense the MatMul became gets the bias.
    x.biasless.weights.push(denseBias(n, constant, x.shape[0], 1));
    x.biasless.config.use_bias = true;
    return { ...x, biasless: undefined };
  }
  const c = constant.type === 'float' && constant.data.length === 1 ? constant.data[0] : undefined;
  if (c === undefined || (op === 'Div' && first)) {
    throw n.refuse(`combines a computed value with the constant "${n.node.inputs[first ? 0 : 1]}" of shape [${constant.dims.join(', ')}]; only a single number is converted (an input normalisation belongs in VEBI's preprocessing: --preprocessing meanstd:...)`);
  }
  // x * c, x + c, x - c, c - x, x / c as one Rescaling layer: scale * x + offset.
  const [scale, offset] = { Add: [1, c], Sub: first ? [-1, c] : [1, -c], Mul: [c, 0], Div: [1 / c, 0] }[op];
  const layer = b.add('Rescaling', n.name(), { scale, offset }, [x.layer]);
  return { ...x, layer, biasless: undefined, nonNegative: x.nonNegative && scale >= 0 && offset >= 0 };
};

const concat: OpConverter = (b, n) => {
  const parts = n.inputs.filter((v): v is Runtime => v?.kind === 'runtime');
  if (parts.length !== n.inputs.length) throw n.refuse('concatenates constants with computed values; not converted');
  const rank = parts[0].shape.length + 1;
  const axis = Number(n.attributes.axis ?? 1);
  if ((axis < 0 ? axis + rank : axis) !== 1) throw n.refuse(`concatenates along axis ${axis}; only channels (axis 1) are converted`);
  if (parts.some((v) => v.chw || v.spatial !== parts[0].spatial || v.shape.slice(1).join() !== parts[0].shape.slice(1).join())) {
    throw n.refuse(`concatenates values of shapes ${parts.map((v) => `[${v.shape.join(', ')}]`).join(', ')} that differ beyond the channel axis`);
  }
  if (parts.length === 1) return parts[0]; // torch.cat([x], 1) (DenseNet's first layer)
  const channels = parts.reduce((s, v) => s + v.shape[0], 0);
  const layer = b.add('Concatenate', n.name(), { axis: -1 }, parts.map((v) => v.layer));
  return { kind: 'runtime', layer, shape: [channels, ...parts[0].shape.slice(1)], spatial: parts[0].spatial, nonNegative: parts.every((v) => v.nonNegative) };
};

/** The class score is the logit before a final softmax: dropped when it produces the model's output. */
const finalSoftmax: OpConverter = (b, n, x) => {
  if (n.node.outputs[0] === b.outputName && !x.spatial) return x;
  throw n.refuse('is not the last operation of the model; only a final Softmax/LogSoftmax (dropped: VEBI reads the logits) is converted');
};

export const ELEMENTWISE_OPS: Record<string, OpConverter> = {
  Relu: relu,
  Clip: clip,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSigmoid,
  BatchNormalization: batchNorm,
  Add: arithmetic,
  Sub: arithmetic,
  Mul: arithmetic,
  Div: arithmetic,
  Concat: concat,
  Softmax: finalSoftmax,
  LogSoftmax: finalSoftmax,
};
