/** Map similarity and overlap metrics of the evaluations (pure functions on plain arrays). */
export { IOU_THRESHOLDS, binaryIoU, binarizeMask, iouOverThresholds } from './iou';
export type { ThresholdIoU } from './iou';
export { averageRanks, pearson, spearman } from './spearman';
export { SSIM_DEFAULTS, ssim, ssimWindow } from './ssim';
export type { SsimOptions } from './ssim';
