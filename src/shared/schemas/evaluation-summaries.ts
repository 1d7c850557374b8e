/** The schema of each evaluation's summary file (EVALUATION_FILES), by kind. */
import type { z } from 'zod';
import type { EvaluationKind } from '../evaluation';
import { ABLATION_SUMMARY_SCHEMA } from './ablation-summary';
import { COMPARISON_REPORT_SCHEMA } from './comparison-report';
import { LOCALIZATION_REPORT_SCHEMA } from './localization-report';
import { SANITY_REPORT_SCHEMA } from './sanity-report';

export const EVALUATION_SUMMARY_SCHEMAS = {
  comparison: COMPARISON_REPORT_SCHEMA,
  localization: LOCALIZATION_REPORT_SCHEMA,
  ablation: ABLATION_SUMMARY_SCHEMA,
  sanity: SANITY_REPORT_SCHEMA,
} as const satisfies Record<EvaluationKind, unknown>;

/** The summary type of each kind (ComparisonReport, LocalizationReport, AblationSummary, SanityReport). */
export type EvaluationSummary<K extends EvaluationKind> = z.output<(typeof EVALUATION_SUMMARY_SCHEMAS)[K]>;

/** The schema of one kind's summary, typed by kind. */
export function evaluationSummarySchema<K extends EvaluationKind>(kind: K): z.ZodType<EvaluationSummary<K>> {
  // TypeScript cannot follow K through the table; the table's `satisfies` keeps it complete.
  return EVALUATION_SUMMARY_SCHEMAS[kind] as unknown as z.ZodType<EvaluationSummary<K>>;
}
