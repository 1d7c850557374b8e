/** localization.json, written by `vebi eval localization`: IoU of each method's heatmap with ground-truth masks. */
import { z } from 'zod';
import { EVALUATION_HEADER_SCHEMA, EVALUATION_TARGET_SCHEMA } from './evaluation-fields';
import { count, METHOD_SETTINGS_SCHEMA, positiveCount, SKIPPED_FILES_SCHEMA } from './report-fields';

const figure = z.number().nullable();

export const LOCALIZATION_METHOD_RESULT_SCHEMA = z.object({
  /** Registry name (`explain --method NAME`) and display name. */
  name: z.string(),
  displayName: z.string(),
  /** Set when the method could not run on this model; every figure below is then null. */
  error: z.string().optional(),
  /** Mean over images of each image's mean IoU over the thresholds (the paper's figure). */
  meanIoU: figure,
  /** Sample standard deviation of the per-image mean IoU over the images. */
  stdIoU: figure,
  /** Mean over images of the IoU at each of `params.thresholds`. */
  perThreshold: z.array(figure),
  /** The single threshold with the best mean-over-images IoU, and that IoU. */
  best: z.object({ threshold: z.number(), iou: z.number() }).nullable(),
  /** Mean IoU over the images the model classifies right / wrong (null when there are none). */
  byPrediction: z.object({ correct: figure, wrong: figure }),
  /** Explanation time per image. */
  msPerImage: figure,
  /** Settings the method used (layer, steps, ...), from its first image. */
  settings: METHOD_SETTINGS_SCHEMA,
});

export const LOCALIZATION_IMAGE_SCHEMA = z.object({
  /** Relative to `data.path`/images, '/' separators (shown, not opened). */
  image: z.string(),
  label: count,
  predicted: count,
  /** Fraction of the image under the mask (at the model's input size). */
  maskFraction: z.number(),
  /** This image's mean IoU over the thresholds, per method, in the order of `methods` (null: method failed). */
  meanIoU: z.array(figure),
});

export const LOCALIZATION_REPORT_SCHEMA = EVALUATION_HEADER_SCHEMA.extend({
  kind: z.literal('localization'),
  /** Interpretation report folder (the weights of VEBI and upsampled activations). */
  report: z.string(),
  data: z.object({ path: z.string(), classes: z.array(z.string()), numImages: count, skipped: SKIPPED_FILES_SCHEMA, variant: z.string().optional() }),
  params: z.object({
    /** Binarisation thresholds of the heatmap: a pixel is on when its value is >= the threshold. */
    thresholds: z.array(z.number()),
    target: EVALUATION_TARGET_SCHEMA,
    /** Masks are resized to the model's input size with nearest-neighbour; white (>= 128) is inside. */
    maskResize: z.literal('nearest'),
    /** Relevant features of VEBI and upsampled activations. */
    topFeatures: positiveCount,
    maxPerClass: positiveCount.optional(),
  }),
  /** Top-1 accuracy of the model on the images evaluated. */
  accuracy: z.number(),
  methods: z.array(LOCALIZATION_METHOD_RESULT_SCHEMA),
  images: z.array(LOCALIZATION_IMAGE_SCHEMA),
});

export type LocalizationMethodResult = z.infer<typeof LOCALIZATION_METHOD_RESULT_SCHEMA>;
export type LocalizationImage = z.infer<typeof LOCALIZATION_IMAGE_SCHEMA>;
export type LocalizationReport = z.infer<typeof LOCALIZATION_REPORT_SCHEMA>;
