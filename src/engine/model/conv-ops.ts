/**
 * Convolutions as the projection runs them: explicit padding, dilation folded into the kernel
 * (tfjs has no gradient for dilated convs), depthwise convs with a hand-written backward pass
 * (built from forward depthwise convs, so any backend can run it), and the strided-convolution fix
 * of method.md section 4, step 4.
 */
import * as tf from '@tensorflow/tfjs';
import { effectiveKernel, padAmounts, type PaddingMode } from './conv-geometry';
import { withBackward } from './custom-grad';

export type Pair = [number, number];

export interface ConvSpec {
  strides: Pair;
  dilation: Pair;
  padding: PaddingMode;
}

/** Inserts (d - 1) zeros between kernel taps so a dilated conv becomes a plain one. */
export function dilateKernel(kernel: tf.Tensor4D, dilation: Pair): tf.Tensor4D {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, cin, cout] = kernel.shape;
  const spread = tf.pad(kernel.reshape([kh, 1, kw, 1, cin, cout]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return spread.reshape([kh * dh, kw * dw, cin, cout]).slice([0, 0, 0, 0], [effectiveKernel(kh, dh), effectiveKernel(kw, dw), cin, cout]) as tf.Tensor4D;
}

/** Explicit [[top, bottom], [left, right]] padding of a window op on an input of size [h, w]. */
export function explicitPads(inSize: Pair, kernelEff: Pair, spec: ConvSpec): [Pair, Pair] {
  return [padAmounts(inSize[0], kernelEff[0], spec.strides[0], spec.padding), padAmounts(inSize[1], kernelEff[1], spec.strides[1], spec.padding)];
}

function padInput(x: tf.Tensor4D, pads: [Pair, Pair]): tf.Tensor4D {
  if (pads.every(([a, b]) => a === 0 && b === 0)) return x;
  return tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]]);
}

/**
 * Source index of each of `to` nearest-neighbour samples of a length-`from` axis: floor(i * from / to),
 * TF's resize_nearest_neighbor (no corner alignment, no half-pixel centres) in exact integer
 * arithmetic, so that no float rounding moves a boundary.
 */
export function nearestIndices(from: number, to: number): number[] {
  return Array.from({ length: to }, (_, i) => Math.min(from - 1, Math.floor((i * from) / to)));
}

const exactResize = new Map<string, boolean>();

/** Whether the backend's resizeNearestNeighbor picks exactly nearestIndices(from, to) (checked once per size pair). */
function resizeIsExact(from: number, to: number): boolean {
  const key = `${tf.getBackend()}:${from}->${to}`;
  let exact = exactResize.get(key);
  if (exact === undefined) {
    const picked = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.range(0, from).reshape([1, from, 1, 1]) as tf.Tensor4D, [to, 1], false, false).dataSync());
    const expected = nearestIndices(from, to);
    exact = expected.every((v, i) => picked[i] === v);
    exactResize.set(key, exact);
  }
  return exact;
}

/**
 * Maps the backward signal of a strided window op onto the grid a stride-1 op would have
 * produced ([hs, ws] = padded input - kernel + 1). With the fix it is a nearest-neighbour resize;
 * without it, the plain gradient: values at multiples of the stride and zeros in between.
 */
export function strideOneGrid(dy: tf.Tensor4D, strides: Pair, size: Pair, fix: boolean): tf.Tensor4D {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return dy;
  const [b, ho, wo, c] = dy.shape;
  if (fix) {
    // The resize kernel is much faster than gather, but computes its indices in floating point.
    if (resizeIsExact(ho, size[0]) && resizeIsExact(wo, size[1])) return tf.image.resizeNearestNeighbor(dy, size, false, false);
    return tf.gather(tf.gather(dy, nearestIndices(ho, size[0]), 1), nearestIndices(wo, size[1]), 2);
  }
  const spread = tf.pad(dy.reshape([b, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return spread.reshape([b, ho * sh, wo * sw, c]).slice([0, 0, 0, 0], [b, size[0], size[1], c]) as tf.Tensor4D;
}

/** Conv2D without bias/activation. The gradient is tfjs's own unless the strided fix applies. */
export function projectionConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, spec: ConvSpec, stridedFix: boolean): tf.Tensor4D {
  const k = dilateKernel(kernel, spec.dilation);
  const [kh, kw] = k.shape;
  const xp = padInput(x, explicitPads([x.shape[1], x.shape[2]], [kh, kw], spec));
  const strided = spec.strides[0] > 1 || spec.strides[1] > 1;
  if (!stridedFix || !strided) return tf.conv2d(xp, k, spec.strides, 'valid');
  const op = withBackward(
    (input: tf.Tensor4D) => tf.conv2d(input, k, spec.strides, 'valid'),
    (dy, input) => {
      const grid = strideOneGrid(dy, spec.strides, [input.shape[1] - kh + 1, input.shape[2] - kw + 1], true);
      return tf.conv2dTranspose(grid, k, input.shape, 1, 'valid');
    },
  );
  return op(xp);
}

/** Stride-1 transposed depthwise conv: [B, hs, ws, C*m] -> [B, hs+kh-1, ws+kw-1, C]. */
export function depthwiseTransposeStrideOne(grid: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = kernel.shape;
  const padded = tf.pad(grid, [
    [0, 0],
    [kh - 1, kh - 1],
    [kw - 1, kw - 1],
    [0, 0],
  ]);
  // Correlating with the flipped kernel is the transpose of correlating with the kernel.
  const flipped = tf.reverse(kernel, [0, 1]).reshape([kh, kw, c * m, 1]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(padded, flipped, 1, 'valid');
  if (m === 1) return out;
  const [b, h, w] = out.shape;
  return out.reshape([b, h, w, c, m]).sum(-1) as tf.Tensor4D;
}

/** DepthwiseConv2D without bias/activation, with its own backward pass (plain or strided fix). */
export function projectionDepthwise(x: tf.Tensor4D, kernel: tf.Tensor4D, spec: ConvSpec, stridedFix: boolean): tf.Tensor4D {
  const k = dilateKernel(kernel, spec.dilation);
  const [kh, kw] = k.shape;
  const xp = padInput(x, explicitPads([x.shape[1], x.shape[2]], [kh, kw], spec));
  const op = withBackward(
    (input: tf.Tensor4D) => tf.depthwiseConv2d(input, k, spec.strides, 'valid'),
    (dy, input) => {
      const grid = strideOneGrid(dy, spec.strides, [input.shape[1] - kh + 1, input.shape[2] - kw + 1], stridedFix);
      return depthwiseTransposeStrideOne(grid, k);
    },
  );
  return op(xp);
}
