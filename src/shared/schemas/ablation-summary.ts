/** ablation.json, written by `vebi eval ablation`: accuracy when relevant (or random) features are zeroed. */
import { z } from 'zod';
import { MEAN_STD_SCHEMA } from './evaluation-fields';
import { BACKEND_NAME_SCHEMA } from './params';
import { backendThreads, count, positiveCount, SKIPPED_FILES_SCHEMA, TIMINGS_SCHEMA, TOOL_INFO_SCHEMA } from './report-fields';

/** How many relevant features to zero: a number, or all of the class's relevant features. */
export const ABLATION_COUNT_SCHEMA = z.union([count, z.literal('all')]);

export const CLASS_VS_OTHERS_SCHEMA = z.object({
  /** Accuracy on the images of the ablated class. */
  class: z.number(),
  /** Accuracy on the images of every other class. */
  others: z.number(),
});

export const ABLATION_POINT_SCHEMA = z.object({
  /** The count asked for. */
  n: ABLATION_COUNT_SCHEMA,
  /** Features actually zeroed: n capped at the class's number of relevant features. */
  ablated: count,
  relevant: CLASS_VS_OTHERS_SCHEMA,
  random: z.object({ class: MEAN_STD_SCHEMA, others: MEAN_STD_SCHEMA }),
});

/** Averaged over classes: `ablated` is then the mean number of features zeroed (2.4, not an integer). */
export const AVERAGE_ABLATION_POINT_SCHEMA = ABLATION_POINT_SCHEMA.extend({ ablated: z.number().nonnegative() });

export const CLASS_ABLATION_SCHEMA = z.object({
  index: count,
  name: z.string(),
  images: count,
  /** Relevant features (positive weights of the non-negative fit), heaviest first. */
  relevant: z.array(z.object({ index: count, layer: z.string(), channel: count, weight: z.number() })),
  baseline: CLASS_VS_OTHERS_SCHEMA,
  points: z.array(ABLATION_POINT_SCHEMA),
});

export const ABLATION_SUMMARY_SCHEMA = z.object({
  kind: z.literal('ablation'),
  tool: TOOL_INFO_SCHEMA,
  createdAt: z.string(),
  backend: BACKEND_NAME_SCHEMA,
  backendThreads,
  model: z.object({ path: z.string(), featureCount: positiveCount, numClasses: positiveCount }),
  /** The interpretation report whose weights define the relevant features. */
  report: z.string(),
  data: z.object({ path: z.string(), classes: z.array(z.string()), numImages: count, skipped: SKIPPED_FILES_SCHEMA }),
  params: z.object({
    counts: z.array(ABLATION_COUNT_SCHEMA),
    draws: count,
    seed: z.int(),
    /** Random features are drawn uniformly from all m features, the same draws for every class. */
    randomPool: z.literal('all-features'),
    maxPerClass: positiveCount.optional(),
  }),
  /** Top-1 accuracy of the intact model on the folder. */
  baselineAccuracy: z.number(),
  classes: z.array(CLASS_ABLATION_SCHEMA),
  /** Averages over classes. Random: per draw, the mean over classes, then mean and std over draws. */
  average: z.object({ baseline: CLASS_VS_OTHERS_SCHEMA, points: z.array(AVERAGE_ABLATION_POINT_SCHEMA) }),
  /** Things the user should know (for example: the report was made from a model at another path). */
  warnings: z.array(z.string()),
  timings: TIMINGS_SCHEMA,
});

export type AblationCount = z.infer<typeof ABLATION_COUNT_SCHEMA>;
export type ClassVsOthers = z.infer<typeof CLASS_VS_OTHERS_SCHEMA>;
export type AblationPoint = z.infer<typeof ABLATION_POINT_SCHEMA>;
export type ClassAblation = z.infer<typeof CLASS_ABLATION_SCHEMA>;
export type AblationSummary = z.infer<typeof ABLATION_SUMMARY_SCHEMA>;
