/**
 * Kernels for the wasm backend written in plain JavaScript over the module's heap: no copies in or
 * out, and one pass where a composition of tfjs ops needs several (each a full read and write).
 * - MaxPoolGrad: routes each output gradient to the first maximum of its window (as TensorFlow and
 *   the cpu backend do); wasm 4.22's own kernel misroutes windows whose maximum is <= 0.
 * - LessEqual against a scalar (the ReLU6 gradient's x <= 6): wasm's comparison goes through its
 *   general broadcasting loop, ~10x slower than one pass here (160 ms of a MobileNetV2 explanation).
 * - Sum over every axis but the last (a bias gradient): one pass (SIMD blocks of 128 rows when the
 *   channels come in fours), float64 across blocks; wasm first transposes the whole input to put the
 *   reduced axes last (the JavaScript loop here took 6.9 ms for 32x64x64x16; the SIMD blocks 1.1 ms).
 * - Identity shares its input's data (reference counted, as on the cpu backend) instead of copying
 *   it: the engine clones every tensor a gradient saves, a full copy on wasm (~3 ms per 32x64x64x16).
 * - BatchMatMul with a transposed operand: wasm runs those through a scalar loop (~6x slower than
 *   its XNNPACK path, e.g. 7.2 ms vs 1.3 ms for the dense-layer products of a backward pass); the
 *   replacement transposes the operand once and takes the XNNPACK path.
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, pair, type PadAttr, type RoundingMode, type WasmBackendLike } from './kernel-attrs';
import { maxPoolGrad2x2For, sumLeadingAxesFor } from './simd/simd-kernels';

/** Rows per float32 block sum of leading-sum.wat (a block stays in L1; bounds each float32 sum's length). */
const LEADING_SUM_BLOCK_ROWS = 128;

interface HeapKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}

function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`Missing kernel input '${name}'.`);
  return info;
}

export function maxPoolGradKernel({ inputs, attrs = {}, backend }: HeapKernelArgs): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const x = input(inputs, 'input');
  const dyInfo = input(inputs, 'dy');
  const [batch, height, width, channels] = x.shape;
  const info = tf.backend_util.computePool2DInfo(
    [batch, height, width, channels],
    pair(attrs.filterSize, 1),
    pair(attrs.strides, 1),
    1,
    attrs.pad as PadAttr,
    attrs.dimRoundingMode as RoundingMode,
  );
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = wasm.makeOutput([batch, height, width, channels], 'float32');
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const xs = wasm.typedArrayFromHeap(x) as Float32Array;
  const dy = wasm.typedArrayFromHeap(dyInfo) as Float32Array;
  dx.fill(0);
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0 && 2 * outHeight <= height && 2 * outWidth <= width) {
    // SIMD on the heap when channels come in fours (it writes every pixel a window covers; the fill
    // above zeroes the odd last row / column); else the JavaScript loop.
    const simd = channels % 4 === 0 ? maxPoolGrad2x2For(backend) : undefined;
    if (simd) {
      simd(heapOffset(wasm, x), heapOffset(wasm, dyInfo), heapOffset(wasm, out), batch, height, width, channels, outHeight, outWidth);
    } else {
      routeTwoByTwo(xs, dy, dx, batch, height, width, channels, outHeight, outWidth);
    }
    return out;
  }
  // Per output pixel, all channels at once: the inner loops walk contiguous memory.
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batch; b++) {
    const xBatch = b * height * width * channels;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = Math.max(0, oy * strideHeight - top);
      const y1 = Math.min(height, oy * strideHeight - top + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = Math.max(0, ox * strideWidth - left);
        const x1 = Math.min(width, ox * strideWidth - left + filterWidth);
        const dyAt = ((b * outHeight + oy) * outWidth + ox) * channels;
        if (y0 >= y1 || x0 >= x1) continue; // a window entirely in the padding
        let first = true;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const at = xBatch + (y * width + xx) * channels;
            if (first) {
              for (let c = 0; c < channels; c++) {
                best[c] = xs[at + c];
                where[c] = at + c;
              }
              first = false;
              continue;
            }
            for (let c = 0; c < channels; c++) {
              const v = xs[at + c];
              // Strictly greater: ties keep the first maximum; NaN never replaces it.
              if (v > best[c]) {
                best[c] = v;
                where[c] = at + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) dx[where[c]] += dy[dyAt + c];
      }
    }
  }
  return out;
}

/** The common 2x2, stride 2 pooling: four loads, three comparisons and one store per output. */
function routeTwoByTwo(xs: Float32Array, dy: Float32Array, dx: Float32Array, batch: number, height: number, width: number, channels: number, outHeight: number, outWidth: number): void {
  const row = width * channels;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const top = (b * height + 2 * oy) * row;
      let at = ((b * outHeight + oy) * outWidth) * channels;
      for (let ox = 0; ox < outWidth; ox++) {
        const p00 = top + 2 * ox * channels;
        const p10 = p00 + row;
        for (let c = 0; c < channels; c++, at++) {
          // Row-major window order, strictly greater: the first maximum wins ties.
          let where = p00 + c;
          let best = xs[where];
          const v01 = xs[where + channels];
          if (v01 > best) {
            best = v01;
            where = p00 + c + channels;
          }
          const v10 = xs[p10 + c];
          if (v10 > best) {
            best = v10;
            where = p10 + c;
          }
          if (xs[p10 + c + channels] > best) where = p10 + c + channels;
          dx[where] = dy[at];
        }
      }
    }
  }
}

/** Wraps wasm's BatchMatMul or _FusedMatMul: transposed operands are transposed once, then its fast path runs. */
export function transposingBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs = {}, backend }) => {
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    if (!transposeA && !transposeB) return original({ inputs, attrs, backend });
    const temporaries: tf.TensorInfo[] = [];
    const flip = (info: tf.TensorInfo): tf.TensorInfo => {
      const rank = info.shape.length;
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
      const flipped = tf.getKernel('Transpose', 'wasm')?.kernelFunc({ inputs: { x: info }, attrs: { perm }, backend }) as tf.TensorInfo;
      temporaries.push(flipped);
      return flipped;
    };
    try {
      const a = transposeA ? flip(input(inputs, 'a')) : input(inputs, 'a');
      const b = transposeB ? flip(input(inputs, 'b')) : input(inputs, 'b');
      return original({ inputs: { ...inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
    } finally {
      for (const t of temporaries) (backend as WasmBackendLike).disposeData(t.dataId);
    }
  };
}

/** Wraps wasm's LessEqual: a float32 tensor against one float32 value runs here, the rest there. */
export function scalarLessEqual(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const a = input(inputs, 'a');
    const b = input(inputs, 'b');
    const scalar = b.shape.every((d) => d === 1) && a.shape.length >= b.shape.length;
    if (!scalar || a.dtype !== 'float32' || b.dtype !== 'float32') return original({ inputs, attrs, backend });
    const wasm = backend as WasmBackendLike;
    const out = wasm.makeOutput([...a.shape], 'bool');
    const values = wasm.typedArrayFromHeap(a) as Float32Array;
    const bound = (wasm.typedArrayFromHeap(b) as Float32Array)[0];
    const result = wasm.typedArrayFromHeap(out) as Uint8Array;
    for (let i = 0; i < values.length; i++) result[i] = values[i] <= bound ? 1 : 0;
    return out;
  };
}

/** Wraps wasm's Identity: numeric tensors share their data (no kernel writes its inputs in place). */
export function sharingIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const x = input(inputs, 'x');
    if (x.dtype === 'string') return original({ inputs, attrs, backend });
    (backend as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Wraps wasm's Sum: float32 reduced over all leading axes (keeping the last) runs here, the rest there. */
export function leadingAxesSum(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs = {}, backend }) => {
    const x = input(inputs, 'x');
    const rank = x.shape.length;
    const raw = attrs.axis as number | number[] | undefined;
    const axes = [...new Set((raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return original({ inputs, attrs, backend });
    const wasm = backend as WasmBackendLike;
    const channels = x.shape[rank - 1];
    const out = wasm.makeOutput(attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels], 'float32');
    const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const simd = channels % 4 === 0 ? sumLeadingAxesFor(backend) : undefined;
    let values = wasm.typedArrayFromHeap(x) as Float32Array;
    let partials: tf.TensorInfo | undefined;
    if (simd) {
      // Float32 sums of at most LEADING_SUM_BLOCK_ROWS rows each (SIMD), added below in float64.
      partials = wasm.makeOutput([Math.ceil(rows / LEADING_SUM_BLOCK_ROWS), channels], 'float32');
      simd(heapOffset(wasm, x), rows, channels, LEADING_SUM_BLOCK_ROWS, heapOffset(wasm, partials));
      values = wasm.typedArrayFromHeap(partials) as Float32Array;
    }
    const sums = new Float64Array(channels);
    for (let at = 0; at < values.length; at += channels) {
      for (let c = 0; c < channels; c++) sums[c] += values[at + c];
    }
    (wasm.typedArrayFromHeap(out) as Float32Array).set(sums);
    if (partials) wasm.disposeData(partials.dataId);
    return out;
  };
}
