/** What every evaluation summary (compare.json, localization.json, sanity.json) starts with, and shared figures. */
import { z } from 'zod';
import { BACKEND_NAME_SCHEMA } from './params';
import { backendThreads, INPUT_SHAPE_SCHEMA, positiveCount, TIMINGS_SCHEMA, TOOL_INFO_SCHEMA } from './report-fields';

export const EVALUATION_HEADER_SCHEMA = z.object({
  tool: TOOL_INFO_SCHEMA,
  createdAt: z.string(),
  backend: BACKEND_NAME_SCHEMA,
  backendThreads,
  model: z.object({ path: z.string(), inputShape: INPUT_SHAPE_SCHEMA, numClasses: positiveCount }),
  /** Things the user should know (a method that failed, images skipped...). */
  warnings: z.array(z.string()),
  timings: TIMINGS_SCHEMA,
});

/** Which class an evaluation explains. */
export const EVALUATION_TARGET_SCHEMA = z.enum(['ground-truth', 'predicted']);

export const MEAN_STD_SCHEMA = z.object({
  mean: z.number(),
  /** Sample standard deviation (over images in sanity checks, over random draws in ablation; 0 with one). */
  std: z.number(),
});

export type EvaluationHeader = z.infer<typeof EVALUATION_HEADER_SCHEMA>;
export type EvaluationTarget = z.infer<typeof EVALUATION_TARGET_SCHEMA>;
export type MeanStd = z.infer<typeof MEAN_STD_SCHEMA>;
