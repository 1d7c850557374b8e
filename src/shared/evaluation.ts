/**
 * What the objective evaluations write (method.md section 5): localization.json, sanity.json,
 * ablation.json and compare.json.
 * Plain data for the CLI and the panel: fractions in [0, 1] (the Markdown shows percentages),
 * times in milliseconds, paths absolute unless said otherwise.
 */

/** The objective checks (method.md section 5), as the panel's Evaluation view runs and shows them. */
export type EvaluationKind = 'comparison' | 'localization' | 'ablation' | 'sanity';

export const EVALUATION_KINDS: readonly EvaluationKind[] = ['comparison', 'localization', 'ablation', 'sanity'];

/** The summary each evaluation writes into its folder. */
export const EVALUATION_FILES: Record<EvaluationKind, string> = { comparison: 'compare.json', localization: 'localization.json', ablation: 'ablation.json', sanity: 'sanity.json' };

// The types come from the schemas that check these files when VEBI reads them back; type-only
// exports, so the webview, which imports this file, does not bundle zod.
export type { EvaluationHeader, EvaluationTarget, MeanStd } from './schemas/evaluation-fields';
export type { LocalizationMethodResult, LocalizationImage, LocalizationReport } from './schemas/localization-report';
export type { SanityStep, SanityMethodResult, ClassSensitivity, SanityReport } from './schemas/sanity-report';
export type { AblationCount, ClassVsOthers, AblationPoint, ClassAblation, AblationSummary } from './schemas/ablation-summary';
export type { ComparedMethod, ComparisonReport } from './schemas/comparison-report';
