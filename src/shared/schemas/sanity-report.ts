/** sanity.json, written by `vebi eval sanity`: explanations under cascading randomisation of the model. */
import { z } from 'zod';
import { EVALUATION_HEADER_SCHEMA, MEAN_STD_SCHEMA } from './evaluation-fields';
import { LABEL_SOURCE_SCHEMA } from './params';
import { count, positiveCount, SKIPPED_FILES_SCHEMA } from './report-fields';

export const SANITY_STEP_SCHEMA = z.object({
  /** 0 = the original model; k = the top k layers with weights re-initialised. */
  index: count,
  /** The layer re-initialised at this step (null at step 0). */
  layer: z.string().nullable(),
  /** Every layer re-initialised at this step, top first. */
  randomized: z.array(z.string()),
  /** Top-1 accuracy of this model on the training images (null when no method needed VEBI's fit). */
  accuracy: z.number().nullable(),
  /** Relevant features VEBI found on this model (non-zero weights, summed over classes; null as above). */
  relevantFeatures: count.nullable(),
});

export const SANITY_METHOD_RESULT_SCHEMA = z.object({
  name: z.string(),
  displayName: z.string(),
  error: z.string().optional(),
  /** Per step: similarity of the explanation with the step-0 one, mean and std over images. */
  spearman: z.array(MEAN_STD_SCHEMA),
  ssim: z.array(MEAN_STD_SCHEMA),
  msPerImage: z.number().nullable(),
});

export const CLASS_SENSITIVITY_SCHEMA = z.object({
  name: z.string(),
  displayName: z.string(),
  error: z.string().optional(),
  /** Similarity of the explanations of the top class and of the second-ranked class (original model). */
  spearman: MEAN_STD_SCHEMA.nullable(),
  ssim: MEAN_STD_SCHEMA.nullable(),
});

export const SANITY_REPORT_SCHEMA = EVALUATION_HEADER_SCHEMA.extend({
  kind: z.literal('sanity'),
  /** Training images: VEBI's interpretation is fitted on them again at every step. */
  data: z.object({ path: z.string(), classes: z.array(z.string()), numImages: count, skipped: SKIPPED_FILES_SCHEMA }),
  /** The fixed images explained at every step (shown, not opened), with the original model's top two classes. */
  images: z.array(z.object({ image: z.string(), predicted: count, second: count })),
  params: z.object({
    seed: z.int(),
    /** Kernels ~ N(0, 2 / (fan_in + fan_out)) (Glorot normal, not truncated); biases zero; other weights (batch norm) kept. */
    initializer: z.literal('glorot-normal'),
    /** Explanations of every step are for the class the original model predicts. */
    target: z.literal('original-prediction'),
    /** Relevant features per explanation (VEBI, upsampled activations). */
    topFeatures: positiveCount,
    mu: z.number(),
    labels: LABEL_SOURCE_SCHEMA,
    maxPerClass: positiveCount.optional(),
    /** SSIM window: Gaussian 11 x 11, sigma 1.5, C1 = 0.01^2, C2 = 0.03^2, valid positions; Spearman: average ranks for ties. */
    ssim: z.object({ window: z.literal('gaussian'), size: positiveCount, sigma: z.number() }),
  }),
  steps: z.array(SANITY_STEP_SCHEMA),
  methods: z.array(SANITY_METHOD_RESULT_SCHEMA),
  classSensitivity: z.array(CLASS_SENSITIVITY_SCHEMA),
});

export type SanityStep = z.infer<typeof SANITY_STEP_SCHEMA>;
export type SanityMethodResult = z.infer<typeof SANITY_METHOD_RESULT_SCHEMA>;
export type ClassSensitivity = z.infer<typeof CLASS_SENSITIVITY_SCHEMA>;
export type SanityReport = z.infer<typeof SANITY_REPORT_SCHEMA>;
