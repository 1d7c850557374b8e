/** The engine's public entry: every export by name. */
export { interpret } from './interpret/interpret';
export type { InterpretOptions, InterpretResult, RunHooks } from './interpret/interpret';
export { explain } from './explain/explain';
export type { ExplainOptions, ExplainResult } from './explain/explain';
export { computeExplanation, topScoringFeatures } from './explain/compute-explanation';
export { defaultCamLayer, explanationMethod, explanationMethods } from './explain/methods';
export type { ExplanationMethod, MethodContext, MethodResult } from './explain/methods';
export { selectBackend } from './backend/select-backend';
export { ResultCache, defaultCacheDir } from './cache/result-cache';
export { readInterpretation } from './report/read-report';
export { loadModel } from './model/load-model';
export { parsePreprocessing } from './data';
export { TOOL } from './tool';
export { compareMethods, evaluateAblation, evaluateLocalization, evaluateSanity } from './evaluate';
export type { AblationOptions, CompareOptions, LocalizationOptions, SanityOptions } from './evaluate';
export { generateFlowers } from './datasets';
export type { FlowersOptions, FlowersResult, FlowersVariant } from './datasets';
