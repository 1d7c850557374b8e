/** What the wasm kernels of this folder share: attribute parsing and the slice of BackendWasm they use. */
import type * as tf from '@tensorflow/tfjs';

export type Pair = [number, number];
export type Explicit = [[number, number], [number, number], [number, number], [number, number]];
export type PadAttr = 'valid' | 'same' | number | Explicit;
export type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;

/** A kernel attribute that is one number or a pair ([h, w]); `fallback` when absent. */
export function pair(value: unknown, fallback: number): Pair {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value)) return [Number(value[0] ?? fallback), Number(value[1] ?? value[0] ?? fallback)];
  return [fallback, fallback];
}

/** The slice of tfjs-backend-wasm's BackendWasm these kernels use. */
export interface WasmBackendLike {
  incRef(dataId: unknown): void;
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  disposeData(dataId: unknown): boolean;
}

/** Byte offset of a tensor's data in the wasm module's memory. */
export function heapOffset(backend: WasmBackendLike, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset;
}
