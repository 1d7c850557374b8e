/**
 * Folds the shape arithmetic torch.onnx.export writes without constant folding (x.view(x.size(0),
 * -1) becomes Shape -> Gather -> Unsqueeze -> Concat -> Reshape) into constants at load time. Only
 * these small integer computations run here, on values from the file's constants and the static
 * shapes the converter knows; the batch dimension, unknown at load, is the BATCH marker.
 */
import { isTensor, type OnnxNode, type OnnxTensor } from './onnx-ir';

/** The batch dimension in a folded shape (any real dim is >= 0, and -1 means "infer"). */
export const BATCH = Number.MIN_SAFE_INTEGER;

export const FOLDABLE_OPS = new Set(['Constant', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Reshape', 'Slice']);

/** ONNX data types that are floating point (float, float16, double, bfloat16). */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

function ints(name: string, dims: number[], data: number[]): OnnxTensor {
  return { name, dims, type: 'int', data };
}

function values(t: OnnxTensor): number[] {
  return Array.from(t.data);
}

function withData(t: OnnxTensor, name: string, dims: number[], data: number[]): OnnxTensor {
  return t.type === 'float' ? { name, dims, type: 'float', data: Float32Array.from(data) } : ints(name, dims, data);
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function intList(node: OnnxNode, attribute: string, input: OnnxTensor | undefined): number[] | undefined {
  const attr = node.attributes[attribute];
  if (Array.isArray(attr)) return attr.map(Number);
  return input ? values(input) : undefined;
}

function constant(node: OnnxNode, name: string): OnnxTensor | undefined {
  const a = node.attributes;
  if (isTensor(a.value)) return { ...a.value, name };
  if (typeof a.value_float === 'number') return { name, dims: [], type: 'float', data: Float32Array.of(a.value_float) };
  if (Array.isArray(a.value_floats)) return { name, dims: [a.value_floats.length], type: 'float', data: Float32Array.from(a.value_floats.map(Number)) };
  if (typeof a.value_int === 'number') return ints(name, [], [a.value_int]);
  if (Array.isArray(a.value_ints)) return ints(name, [a.value_ints.length], a.value_ints.map(Number));
  return undefined;
}

/** Rank-1 slice with ONNX's clamping of starts/ends. */
function slice1d(data: number[], start: number, end: number, step: number): number[] {
  const n = data.length;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (step > 0) for (let i = clamp(start, 0, n); i < clamp(end, 0, n); i += step) out.push(data[i]);
  else for (let i = clamp(start, -1, n - 1); i > clamp(end, -1, n - 1); i += step) out.push(data[i]);
  return out;
}

/**
 * The constant `node` computes, or undefined when it is not a shape computation this folds.
 * `inputs[i]` is the constant value of input i (undefined when computed at run time);
 * `runtimeShape` is the static shape (batch excluded) of input 0 when it is computed at run time.
 */
export function foldNode(node: OnnxNode, inputs: (OnnxTensor | undefined)[], runtimeShape: number[] | undefined, opset: number): OnnxTensor | undefined {
  const name = node.outputs[0];
  if (node.opType === 'Constant') return constant(node, name);
  if (node.opType === 'Shape') {
    const shape = inputs[0] ? inputs[0].dims : runtimeShape ? [BATCH, ...runtimeShape] : undefined;
    if (!shape) return undefined;
    const start = Number(node.attributes.start ?? 0);
    const end = node.attributes.end === undefined ? shape.length : Number(node.attributes.end);
    const dims = slice1d(shape, start, end, 1);
    return ints(name, [dims.length], dims);
  }
  const present = node.inputs.map((input, i) => (input === '' ? undefined : inputs[i]));
  if (node.inputs.some((input, i) => input !== '' && !present[i])) return undefined;
  const [x, second] = present as OnnxTensor[];
  switch (node.opType) {
    case 'Gather': {
      if (x.dims.length !== 1 || normAxis(Number(node.attributes.axis ?? 0), 1) !== 0) return undefined;
      const data = values(x);
      const picked = values(second).map((i) => data[i < 0 ? i + data.length : i]);
      return picked.some((v) => v === undefined) ? undefined : withData(x, name, second.dims, picked);
    }
    case 'Unsqueeze': {
      const axes = intList(node, 'axes', opset >= 13 ? second : undefined);
      if (!axes) return undefined;
      const rank = x.dims.length + axes.length;
      const dims = [...x.dims];
      for (const axis of axes.map((a) => normAxis(a, rank)).sort((a, b) => a - b)) dims.splice(axis, 0, 1);
      return withData(x, name, dims, values(x));
    }
    case 'Squeeze': {
      const axes = intList(node, 'axes', opset >= 13 ? second : undefined)?.map((a) => normAxis(a, x.dims.length));
      const dims = x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
      return withData(x, name, dims, values(x));
    }
    case 'Concat': {
      const all = present as OnnxTensor[];
      if (all.some((t) => t.dims.length !== 1)) return undefined;
      const data = all.flatMap(values);
      return withData(x, name, [data.length], data);
    }
    case 'Cast': {
      const to = Number(node.attributes.to);
      if (FLOAT_TYPES.has(to)) return { name, dims: x.dims, type: 'float', data: Float32Array.from(values(x)) };
      return ints(name, x.dims, values(x).map(Math.trunc));
    }
    case 'Reshape': {
      const target = values(second).map((d, i) => (d === 0 ? x.dims[i] : d));
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const dims = target.map((d) => (d === -1 ? x.data.length / known : d));
      return withData(x, name, dims, values(x));
    }
    case 'Slice': {
      if (x.dims.length !== 1) return undefined;
      const at = (attr: string, index: number, fallback: number): number => {
        const list = intList(node, attr, opset >= 10 ? present[index] : undefined);
        return list?.[0] ?? fallback;
      };
      const data = slice1d(values(x), at('starts', 1, 0), at('ends', 2, x.data.length), at('steps', 4, 1));
      return withData(x, name, [data.length], data);
    }
    default:
      return undefined;
  }
}
