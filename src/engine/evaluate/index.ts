/** Objective evaluations of the method (method.md section 5): every export by name. */
export { evaluateAblation, DEFAULT_ABLATION_COUNTS } from './ablation';
export type { AblationOptions, AblationResult, EvaluateHooks } from './ablation';
export type { AblationCount } from './ablation-sets';
export type { AblationPoint, AblationSummary, ClassAblation, ClassVsOthers, MeanStd } from './ablation-types';
export { lineChartPng, lineChartSvg } from './plot-lines';
export type { PlotFigure, PlotPanel, PlotSeries } from './plot-lines';
export { evaluateLocalization } from './localization';
export type { LocalizationOptions, LocalizationResult } from './localization';
export { evaluateSanity } from './sanity';
export type { SanityOptions, SanityResult } from './sanity';
export { IOU_THRESHOLDS, binaryIoU, binarizeMask, iouOverThresholds, spearman, ssim } from './metrics';
export type { SsimOptions, ThresholdIoU } from './metrics';
export type { LocalizationReport, LocalizationMethodResult, LocalizationImage, SanityReport, SanityMethodResult, SanityStep, ClassSensitivity } from '../../shared/evaluation';
export { compareMethods } from './compare-methods';
export type { CompareOptions, CompareResult } from './compare-methods';
