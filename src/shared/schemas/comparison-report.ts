/** compare.json, written by `vebi eval compare`: every explanation method on one image, for the same class. */
import { z } from 'zod';
import { EVALUATION_HEADER_SCHEMA } from './evaluation-fields';
import { count, METHOD_SETTINGS_SCHEMA } from './report-fields';
import { safeRelativePath } from './safe-relative-path';

export const COMPARED_METHOD_SCHEMA = z.object({
  /** Registry name and display name. */
  name: z.string(),
  displayName: z.string(),
  /** Set when the method could not run on this model (then no images). */
  error: z.string().optional(),
  /** Relative to the comparison folder. */
  heatmap: safeRelativePath.optional(),
  overlay: safeRelativePath.optional(),
  ms: z.number(),
  settings: METHOD_SETTINGS_SCHEMA,
});

export const COMPARISON_REPORT_SCHEMA = EVALUATION_HEADER_SCHEMA.extend({
  kind: z.literal('comparison'),
  image: z.string(),
  /** Interpretation report folder (the weights of VEBI and upsampled activations). */
  report: z.string(),
  /** The input as drawn under the overlays, relative to the comparison folder. */
  input: safeRelativePath,
  prediction: z.object({ classIndex: count, className: z.string(), probability: z.number() }),
  /** The class every method explains (the predicted one unless asked otherwise). */
  explained: z.object({ classIndex: count, className: z.string() }),
  methods: z.array(COMPARED_METHOD_SCHEMA),
});

export type ComparedMethod = z.infer<typeof COMPARED_METHOD_SCHEMA>;
export type ComparisonReport = z.infer<typeof COMPARISON_REPORT_SCHEMA>;
