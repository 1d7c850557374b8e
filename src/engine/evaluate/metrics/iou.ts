/**
 * Overlap of an explanation with a ground-truth mask (method.md section 5, [decision]): the [0,1]
 * heatmap is binarised at a threshold (a pixel is "on" when its value is >= the threshold) and
 * compared with the binary mask by intersection over union.
 */
import { VebiError } from '../../../shared/errors';

/** 0.05, 0.10, ..., 0.95: the thresholds of the mean IoU (k / 20, so no float drift in the labels). */
export const IOU_THRESHOLDS: readonly number[] = Array.from({ length: 19 }, (_, k) => (k + 1) / 20);

export interface ThresholdIoU {
  /** IoU at each threshold, in the order of the thresholds given. */
  perThreshold: number[];
  /** Mean of perThreshold. */
  mean: number;
  /** The best of perThreshold and the threshold giving it (the lowest one on ties). */
  best: { iou: number; threshold: number };
}

function checkSizes(heatmap: ArrayLike<number>, mask: ArrayLike<number>): void {
  if (heatmap.length !== mask.length) throw new VebiError('BAD_ARGUMENT', `The heatmap has ${heatmap.length} pixels and the mask ${mask.length}: they must be the same size.`);
}

/**
 * IoU of (heatmap >= threshold) with the mask (non-zero = inside). Both empty: 1 (they agree);
 * the localization evaluation never asks this, it skips images whose mask is empty.
 */
export function binaryIoU(heatmap: ArrayLike<number>, mask: ArrayLike<number>, threshold: number): number {
  checkSizes(heatmap, mask);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < heatmap.length; i++) {
    const on = heatmap[i] >= threshold;
    const inside = mask[i] !== 0;
    if (on && inside) inter++;
    if (on || inside) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** IoU at every threshold (default 0.05 ... 0.95), their mean and the best of them. */
export function iouOverThresholds(heatmap: ArrayLike<number>, mask: ArrayLike<number>, thresholds: readonly number[] = IOU_THRESHOLDS): ThresholdIoU {
  checkSizes(heatmap, mask);
  if (thresholds.length === 0) throw new VebiError('BAD_ARGUMENT', 'Give at least one threshold.');
  let maskArea = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) maskArea++;
  const perThreshold = thresholds.map((t) => {
    let on = 0;
    let inter = 0;
    for (let i = 0; i < heatmap.length; i++) {
      if (heatmap[i] >= t) {
        on++;
        if (mask[i] !== 0) inter++;
      }
    }
    const union = on + maskArea - inter;
    return union === 0 ? 1 : inter / union;
  });
  let best = 0;
  for (let k = 1; k < perThreshold.length; k++) if (perThreshold[k] > perThreshold[best]) best = k;
  const mean = perThreshold.reduce((a, b) => a + b, 0) / perThreshold.length;
  return { perThreshold, mean, best: { iou: perThreshold[best], threshold: thresholds[best] } };
}

/** 8-bit mask pixels -> 0/1 (white = discriminative part: >= 128 is inside). */
export function binarizeMask(pixels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] >= 128 ? 1 : 0;
  return out;
}
