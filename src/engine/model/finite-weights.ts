/**
 * Refuses a model whose weights hold NaN or +-Infinity. Such a model (saved after training
 * diverged) turns every activation, score and explanation into NaN far from the cause; one pass
 * over the weights at load names the cause. Reads each weight where the backend keeps it (a view
 * of the wasm heap, the cpu backend's own array) and creates no tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';

export interface NamedWeight {
  /** 'layer "conv1"', 'graph node "MobilenetV2/Conv/weights"'. */
  owner: string;
  /** The weight's own name ("kernel", "conv1/kernel"). */
  name: string;
  tensor: tf.Tensor;
}

interface HeapBackend {
  dataIdMap: { has(dataId: unknown): boolean };
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

/** The weight's values without a copy on wasm (a view of its heap); dataSync elsewhere (no copy on cpu). */
function valuesOf(tensor: tf.Tensor): tf.backend_util.TypedArray {
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  if (tf.getBackend() === 'wasm' && backend.typedArrayFromHeap && backend.dataIdMap?.has(tensor.dataId)) return backend.typedArrayFromHeap(tensor);
  return tensor.dataSync();
}

/**
 * True when every value is finite: v * 0 is 0 for a finite v and NaN for NaN and +-Infinity, and
 * NaN survives any sum. Four independent sums run ~3x faster than one compare-and-count loop
 * (13 vs 36 ms for 22M values).
 */
function allFinite(values: ArrayLike<number>): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const end = values.length - (values.length % 4);
  for (let i = 0; i < end; i += 4) {
    a += values[i] * 0;
    b += values[i + 1] * 0;
    c += values[i + 2] * 0;
    d += values[i + 3] * 0;
  }
  for (let i = end; i < values.length; i++) a += values[i] * 0;
  return a + b + c + d === 0;
}

/** How many values of `values` are NaN or infinite. */
export function countNonFinite(values: ArrayLike<number>): number {
  if (allFinite(values)) return 0;
  let bad = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
  return bad;
}

/** Every weight of a layers model, by layer (a weight shared by several layers once). */
export function layersModelWeights(model: tf.LayersModel): NamedWeight[] {
  const seen = new Set<number>();
  const out: NamedWeight[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (seen.has(w.id)) continue;
      seen.add(w.id);
      out.push({ owner: `layer "${layer.name}"`, name: w.originalName, tensor: w.read() });
    }
  }
  return out;
}

/** Every weight of a graph model, by the node that holds it. */
export function graphModelWeights(model: tf.GraphModel): NamedWeight[] {
  return Object.entries(model.weights).flatMap(([node, tensors]) => tensors.map((tensor, i) => ({ owner: `graph node "${node}"`, name: tensors.length > 1 ? `${node}:${i}` : node, tensor })));
}

/** Throws NON_FINITE naming the file, each bad weight (its layer or node) and how many values are bad. */
export function checkFiniteWeights(weights: NamedWeight[], file: string): void {
  const bad: { weight: NamedWeight; count: number }[] = [];
  for (const weight of weights) {
    // Integer and bool weights cannot hold NaN; complex64 does not occur in image classifiers.
    if (weight.tensor.dtype !== 'float32') continue;
    const count = countNonFinite(valuesOf(weight.tensor));
    if (count > 0) bad.push({ weight, count });
  }
  if (bad.length === 0) return;
  const list = bad
    .slice(0, 5)
    .map(({ weight, count }) => `${weight.owner} weight "${weight.name}": ${count} of ${weight.tensor.size} values`)
    .join('; ');
  const more = bad.length > 5 ? `; and ${bad.length - 5} more weights` : '';
  throw new VebiError(
    'NON_FINITE',
    `${file} has weights that are NaN or infinite (${list}${more}). The model was saved after training diverged; re-export it from a good checkpoint (one saved before the loss became NaN), or retrain with a lower learning rate.`,
    file,
  );
}
