/**
 * report.json, written by `vebi interpret` (docs/report-schema.md). Image and weight paths are
 * relative to the report folder; model.path, data.path and the skipped files are informational.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION } from '../report';
import { BACKEND_NAME_SCHEMA, INTERPRET_PARAMS_SCHEMA } from './params';
import { backendThreads, count, INPUT_SHAPE_SCHEMA, positiveCount, SKIPPED_FILES_SCHEMA, TIMINGS_SCHEMA, TOOL_INFO_SCHEMA } from './report-fields';
import { safeRelativePath } from './safe-relative-path';

/** A report of another schema version says so first (it is the first key checked). */
export const reportSchemaVersion = z.literal(REPORT_SCHEMA_VERSION, {
  error: (issue) => `is ${JSON.stringify(issue.input)}, but this version of VEBI reads report schema ${REPORT_SCHEMA_VERSION}`,
});

const pair = z.tuple([z.number(), z.number()]);

/** Receptive field of one unit of a layer, in input pixels: unit (h, w) covers rows
 * [offset[0] + h * jump[0], offset[0] + h * jump[0] + size[0] - 1], likewise columns. */
export const RECEPTIVE_FIELD_SCHEMA = z.object({ size: pair, jump: pair, offset: pair });

export const LAYER_SUMMARY_SCHEMA = z.object({
  name: z.string(),
  className: z.string(),
  /** Output shape without the batch axis ([H, W, C] or [C]). */
  outputShape: z.array(z.int()),
  /** True when this layer's channels are features (method.md section 1). */
  isFeature: z.boolean(),
  /** Why a layer is not a feature layer (flatten, dropout, input, final classifier...). */
  skipReason: z.string().optional(),
  /** Index of this layer's first feature in the feature vector, when it is a feature layer. */
  featureOffset: count.optional(),
  channels: count.optional(),
  receptiveField: RECEPTIVE_FIELD_SCHEMA.optional(),
});

export const FEATURE_VISUAL_SCHEMA = z.object({
  /** Pixel-wise average of the top-k receptive-field crops (PNG). */
  average: safeRelativePath,
  /** The top-k crops side by side (PNG). */
  strip: safeRelativePath,
  /** Average guided-backprop projection over the same crops (PNG). */
  guided: safeRelativePath,
  /** The top-k images: dataset-relative path, response and the arg-max unit. */
  topImages: z.array(z.object({ image: z.string(), response: z.number(), position: z.tuple([count, count]) })),
});

export const WEIGHTED_FEATURE_SCHEMA = z.object({
  /** Index in the feature vector. */
  index: count,
  layer: z.string(),
  channel: count,
  weight: z.number(),
  /** Key into InterpretReport.visuals (the same feature can be relevant to several classes). */
  visual: z.string().optional(),
});

const SOLVE_SCHEMA = z.object({ objective: z.number(), l1: z.number(), kktViolation: z.number(), iterations: count, ms: z.number() });

export const CLASS_RESULT_SCHEMA = z.object({
  index: count,
  name: z.string(),
  /** Images of this class in the folder. */
  count,
  /** Non-negative fit: the relevant features, sorted by weight descending. */
  relevant: z.array(WEIGHTED_FEATURE_SCHEMA),
  /** Signed fit: positive weights (evidence that must be present), sorted by weight descending. */
  present: z.array(WEIGHTED_FEATURE_SCHEMA),
  /** Signed fit: negative weights (features whose presence argues against the class), most negative first. */
  absent: z.array(WEIGHTED_FEATURE_SCHEMA),
  /** Count of relevant features per layer name (non-negative fit). */
  perLayer: z.record(z.string(), count),
  solve: SOLVE_SCHEMA,
  signedSolve: SOLVE_SCHEMA,
});

export const INTERPRET_REPORT_SCHEMA = z
  .object({
    schemaVersion: reportSchemaVersion,
    kind: z.literal('interpretation'),
    tool: TOOL_INFO_SCHEMA,
    createdAt: z.string(),
    backend: BACKEND_NAME_SCHEMA,
    backendThreads,
    cacheKey: z.string(),
    model: z.object({
      path: z.string(),
      format: z.string(),
      inputShape: INPUT_SHAPE_SCHEMA,
      numClasses: positiveCount,
      layers: z.array(LAYER_SUMMARY_SCHEMA),
      featureCount: positiveCount,
    }),
    data: z.object({
      path: z.string(),
      classes: z.array(z.string()),
      numImages: count,
      skipped: SKIPPED_FILES_SCHEMA,
      /** Accuracy of the model on the folder (top-1). */
      accuracy: z.number(),
      perClassAccuracy: z.array(z.number()),
    }),
    params: INTERPRET_PARAMS_SCHEMA,
    classes: z.array(CLASS_RESULT_SCHEMA),
    /** Feature visualisations by key "layer:channel". */
    visuals: z.record(z.string(), FEATURE_VISUAL_SCHEMA),
    /** Binary files for explain, Float32 little-endian: the fitted weights (m x C, row-major) and each
     * feature's highest peak response on the folder (m). */
    weights: z.object({ nonNegative: safeRelativePath, signed: safeRelativePath, peakResponses: safeRelativePath, featureCount: positiveCount, numClasses: positiveCount }),
    /** Signs that the inputs do not fit the model (accuracy near chance...); absent in older reports. */
    warnings: z.array(z.string()).optional(),
    timings: TIMINGS_SCHEMA,
  })
  .check((ctx) => {
    // Explain indexes the weights with these figures: they must agree, or it reads the wrong numbers.
    const report = ctx.value;
    const fail = (path: PropertyKey[], message: string) => ctx.issues.push({ code: 'custom', input: report, path, message });
    const { featureCount, numClasses } = report.weights;
    if (featureCount !== report.model.featureCount) fail(['weights', 'featureCount'], `is ${featureCount} but model.featureCount is ${report.model.featureCount}`);
    if (numClasses !== report.model.numClasses) fail(['weights', 'numClasses'], `is ${numClasses} but model.numClasses is ${report.model.numClasses}`);
    if (report.classes.length !== numClasses) fail(['classes'], `lists ${report.classes.length} classes but weights.numClasses is ${numClasses}`);
    if (report.data.classes.length !== numClasses) fail(['data', 'classes'], `lists ${report.data.classes.length} classes but weights.numClasses is ${numClasses}`);
    report.classes.forEach((result, j) => {
      if (result.index !== j) fail(['classes', j, 'index'], `is ${result.index}, expected ${j}`);
      for (const list of ['relevant', 'present', 'absent'] as const) {
        const k = result[list].findIndex((feature) => feature.index >= featureCount);
        if (k >= 0) fail(['classes', j, list, k, 'index'], `is ${result[list][k].index}, beyond the ${featureCount} features`);
      }
    });
  });

export type ReceptiveField = z.infer<typeof RECEPTIVE_FIELD_SCHEMA>;
export type LayerSummary = z.infer<typeof LAYER_SUMMARY_SCHEMA>;
export type FeatureVisual = z.infer<typeof FEATURE_VISUAL_SCHEMA>;
export type WeightedFeature = z.infer<typeof WEIGHTED_FEATURE_SCHEMA>;
export type ClassResult = z.infer<typeof CLASS_RESULT_SCHEMA>;
export type InterpretReport = z.infer<typeof INTERPRET_REPORT_SCHEMA>;
