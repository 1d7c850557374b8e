/**
 * The report schema (report.json and explanation.json). Plain data only: the CLI writes it,
 * the HTML report and the VS Code panel read it. Paths to images are relative to the report folder.
 * Documented in docs/report-schema.md; bump REPORT_SCHEMA_VERSION on any incompatible change.
 */
export const REPORT_SCHEMA_VERSION = 1;

// The types come from the schemas that check these files when VEBI reads them back; type-only
// exports, so the webview, which imports this file, does not bundle zod.
export type { ReceptiveField, LayerSummary, FeatureVisual, WeightedFeature, ClassResult, InterpretReport } from './schemas/interpret-report';
export type { FeatureExplanation, AbsentFeatureCheck, ExplanationReport } from './schemas/explanation-report';

/** "wasm, 2 threads", "tensorflow": the backend as reports and the panel show it. */
export function backendLabel(report: { backend: string; backendThreads?: number }): string {
  const threads = report.backendThreads;
  return threads === undefined ? report.backend : `${report.backend}, ${threads} thread${threads === 1 ? '' : 's'}`;
}
