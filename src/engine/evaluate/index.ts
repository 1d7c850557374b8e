/** Objective evaluations of the method (method.md section 5): every export by name. */
export { evaluateAblation, DEFAULT_ABLATION_COUNTS } from './ablation';
export type { AblationOptions, AblationResult, EvaluateHooks } from './ablation';
export type { AblationCount } from './ablation-sets';
export type { AblationPoint, AblationSummary, ClassAblation, ClassVsOthers, MeanStd } from './ablation-types';
export { lineChartPng, lineChartSvg } from './plot-lines';
export type { PlotFigure, PlotPanel, PlotSeries } from './plot-lines';
