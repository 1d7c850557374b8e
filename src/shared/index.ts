export { VebiError, isVebiError, toPlainError, fromPlainError, cancelledError } from './errors';
export type { VebiErrorCode, PlainError } from './errors';
export { STAGE_TITLES } from './progress';
export type { Stage, ProgressEvent, ProgressListener } from './progress';
export { DEFAULT_INTERPRET_PARAMS, DEFAULT_EXPLAIN_PARAMS } from './params';
export type { BackendName, BackendChoice, LabelSource, Preprocessing, InterpretParams, ExplainParams } from './params';
export { REPORT_SCHEMA_VERSION } from './report';
export type {
  ReceptiveField,
  LayerSummary,
  FeatureVisual,
  WeightedFeature,
  ClassResult,
  InterpretReport,
  FeatureExplanation,
  AbsentFeatureCheck,
  ExplanationReport,
} from './report';
export { EVALUATION_FILES, EVALUATION_KINDS } from './evaluation';
export type {
  EvaluationKind,
  EvaluationTarget,
  AblationCount,
  AblationSummary,
  LocalizationReport,
  SanityReport,
  ComparisonReport,
} from './evaluation';
