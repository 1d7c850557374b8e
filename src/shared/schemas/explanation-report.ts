/**
 * explanation.json, written by `vebi explain` (docs/report-schema.md). PNG paths are relative to the
 * explanation folder; image and interpretation are informational.
 */
import { z } from 'zod';
import { BACKEND_NAME_SCHEMA, EXPLAIN_PARAMS_SCHEMA } from './params';
import { reportSchemaVersion } from './interpret-report';
import { backendThreads, count, METHOD_SETTINGS_SCHEMA, TIMINGS_SCHEMA, TOOL_INFO_SCHEMA } from './report-fields';
import { safeRelativePath } from './safe-relative-path';

export const FEATURE_EXPLANATION_SCHEMA = z.object({
  index: count,
  layer: z.string(),
  channel: count,
  /** x_f * W[f, c] / sum_f' W[f', c] (method.md section 4, step 2). */
  score: z.number(),
  weight: z.number(),
  response: z.number(),
  heatmap: safeRelativePath,
  overlay: safeRelativePath,
  /** Key into the interpretation report's visuals. */
  visual: z.string().optional(),
});

export const ABSENT_FEATURE_CHECK_SCHEMA = z.object({
  index: count,
  layer: z.string(),
  channel: count,
  weight: z.number(),
  /** x_f relative to the largest response of this feature on the training folder (0..1+). */
  relativeResponse: z.number(),
  /** True when the feature fires strongly here although it argues against the class. */
  flagged: z.boolean(),
  /** Where it fires in this image (overlay PNG), for flagged features. */
  overlay: safeRelativePath.optional(),
  visual: z.string().optional(),
});

export const EXPLANATION_REPORT_SCHEMA = z.object({
  schemaVersion: reportSchemaVersion,
  kind: z.literal('explanation'),
  tool: TOOL_INFO_SCHEMA,
  createdAt: z.string(),
  backend: BACKEND_NAME_SCHEMA,
  backendThreads,
  image: z.string(),
  /** Path of the interpretation report used (report.json). */
  interpretation: z.string(),
  params: EXPLAIN_PARAMS_SCHEMA,
  /**
   * Set when a method other than VEBI made the map (`combined`); such reports have no features and
   * no absent checks. `settings` are the values the method used (layer, steps, samples...).
   */
  method: z.object({ name: z.string(), displayName: z.string(), settings: METHOD_SETTINGS_SCHEMA }).optional(),
  prediction: z.object({
    classIndex: count,
    className: z.string(),
    probabilities: z.array(z.object({ className: z.string(), probability: z.number() })),
  }),
  features: z.array(FEATURE_EXPLANATION_SCHEMA),
  combined: z.object({ heatmap: safeRelativePath, overlay: safeRelativePath }),
  absent: z.array(ABSENT_FEATURE_CHECK_SCHEMA),
  input: safeRelativePath,
  /** Why the explanation may mean little (the image is unlike the interpreted data); absent when none. */
  warnings: z.array(z.string()).optional(),
  timings: TIMINGS_SCHEMA,
});

export type FeatureExplanation = z.infer<typeof FEATURE_EXPLANATION_SCHEMA>;
export type AbsentFeatureCheck = z.infer<typeof ABSENT_FEATURE_CHECK_SCHEMA>;
export type ExplanationReport = z.infer<typeof EXPLANATION_REPORT_SCHEMA>;
