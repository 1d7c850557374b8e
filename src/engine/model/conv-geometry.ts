/** Sliding-window arithmetic shared by the receptive fields and the backward rules (TF conventions). */

export type PaddingMode = 'valid' | 'same' | 'causal';

/** Extent of a dilated kernel: d * (k - 1) + 1. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/**
 * Padding [before, after] along one axis. 'same' splits like TensorFlow:
 * total = max((ceil(n / s) - 1) * s + k_eff - n, 0), before = floor(total / 2).
 */
export function padAmounts(inSize: number, kernelEff: number, stride: number, padding: PaddingMode): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [kernelEff - 1, 0];
  const total = Math.max((Math.ceil(inSize / stride) - 1) * stride + kernelEff - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output length of a window op over an already padded length. */
export function windowOutputSize(paddedSize: number, kernelEff: number, stride: number): number {
  return Math.floor((paddedSize - kernelEff) / stride) + 1;
}

export function isPaddingMode(value: unknown): value is PaddingMode {
  return value === 'valid' || value === 'same' || value === 'causal';
}
