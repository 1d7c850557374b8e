/**
 * ONNX window attributes (Conv, MaxPool, AveragePool: kernel_shape, strides, dilations, pads,
 * auto_pad, ceil_mode) -> TF.js terms: 'same' where ONNX's pads equal TensorFlow's 'same' split,
 * else 'valid' after an explicit ZeroPadding2D.
 */
import { effectiveKernel, padAmounts, windowOutputSize } from '../conv-geometry';
import type { OnnxNode } from './onnx-ir';

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [[top, bottom], [left, right]] */
  pads: [[number, number], [number, number]];
  /** 'same' when pads equal TensorFlow's 'same' padding; otherwise pads are applied before a 'valid' op. */
  mode: 'same' | 'valid';
  outSize: [number, number];
  /**
   * Extra [bottom, right] padding that ceil_mode=1 needs (PyTorch's rule: a last window may
   * overhang the end, but must start inside the input or the leading padding); [0, 0] otherwise.
   */
  ceilExtra: [number, number];
  /** The output size with that extra padding: PyTorch's ceil_mode output size. */
  ceilOutSize: [number, number];
}

function pair(value: unknown, fallback: number): [number, number] {
  return Array.isArray(value) && value.length === 2 ? [Number(value[0]), Number(value[1])] : [fallback, fallback];
}

/** The window of `node` over an [inH, inW] input; `kernel` when the op has no kernel_shape (Conv takes it from W). */
export function windowOf(node: OnnxNode, [inH, inW]: number[], kernel?: [number, number]): Window {
  const a = node.attributes;
  const k = kernel ?? pair(a.kernel_shape, 1);
  const strides = pair(a.strides, 1);
  const dilations = pair(a.dilations, 1);
  const eff = [effectiveKernel(k[0], dilations[0]), effectiveKernel(k[1], dilations[1])];
  const same = [padAmounts(inH, eff[0], strides[0], 'same'), padAmounts(inW, eff[1], strides[1], 'same')] as [[number, number], [number, number]];
  const autoPad = typeof a.auto_pad === 'string' ? a.auto_pad : 'NOTSET';
  let pads: [[number, number], [number, number]];
  if (autoPad === 'SAME_UPPER') pads = same;
  else if (autoPad === 'SAME_LOWER') pads = [[same[0][1], same[0][0]], [same[1][1], same[1][0]]];
  else if (autoPad === 'VALID') pads = [[0, 0], [0, 0]];
  else {
    const p = Array.isArray(a.pads) && a.pads.length === 4 ? a.pads.map(Number) : [0, 0, 0, 0];
    pads = [[p[0], p[2]], [p[1], p[3]]];
  }
  const isSame = pads.every((axis, i) => axis[0] === same[i][0] && axis[1] === same[i][1]) && pads.flat().some((p) => p > 0);
  const floorSize = [windowOutputSize(inH + pads[0][0] + pads[0][1], eff[0], strides[0]), windowOutputSize(inW + pads[1][0] + pads[1][1], eff[1], strides[1])];
  const ceil = [0, 1].map((i) => {
    if (Number(a.ceil_mode ?? 0) !== 1) return { extra: 0, out: floorSize[i] };
    const size = [inH, inW][i];
    let out = Math.ceil((size + pads[i][0] + pads[i][1] - eff[i]) / strides[i]) + 1;
    if ((out - 1) * strides[i] >= size + pads[i][0]) out--;
    return { extra: Math.max(0, (out - 1) * strides[i] + eff[i] - (size + pads[i][0] + pads[i][1])), out };
  });
  return {
    kernel: k,
    strides,
    dilations,
    pads,
    mode: isSame ? 'same' : 'valid',
    outSize: [floorSize[0], floorSize[1]],
    ceilExtra: [ceil[0].extra, ceil[1].extra],
    ceilOutSize: [ceil[0].out, ceil[1].out],
  };
}

/** The window with ceil_mode's extra padding made explicit (a 'valid' op over a padded input). */
export function withCeilPadding(w: Window): Window {
  const [[t, b], [l, r]] = w.pads;
  const pads: Window['pads'] = [[t, b + w.ceilExtra[0]], [l, r + w.ceilExtra[1]]];
  return { ...w, pads, mode: 'valid', outSize: w.ceilOutSize, ceilExtra: [0, 0] };
}

export function hasPadding(w: Window): boolean {
  return w.mode === 'valid' && w.pads.flat().some((p) => p > 0);
}
