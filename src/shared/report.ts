/**
 * The report schema (report.json and explanation.json). Plain data only: the CLI writes it,
 * the HTML report and the VS Code panel read it. Paths to images are relative to the report folder.
 * Documented in docs/report-schema.md; bump REPORT_SCHEMA_VERSION on any incompatible change.
 */
import type { BackendName, ExplainParams, InterpretParams } from './params';

export const REPORT_SCHEMA_VERSION = 1;

/** Receptive field of one unit of a layer, in input pixels: unit (h, w) covers rows
 * [offset[0] + h * jump[0], offset[0] + h * jump[0] + size[0] - 1], likewise columns. */
export interface ReceptiveField {
  size: [number, number];
  jump: [number, number];
  offset: [number, number];
}

export interface LayerSummary {
  name: string;
  className: string;
  /** Output shape without the batch axis ([H, W, C] or [C]). */
  outputShape: number[];
  /** True when this layer's channels are features (method.md section 1). */
  isFeature: boolean;
  /** Why a layer is not a feature layer (flatten, dropout, input, final classifier...). */
  skipReason?: string;
  /** Index of this layer's first feature in the feature vector, when it is a feature layer. */
  featureOffset?: number;
  channels?: number;
  receptiveField?: ReceptiveField;
}

export interface FeatureVisual {
  /** Pixel-wise average of the top-k receptive-field crops (PNG). */
  average: string;
  /** The top-k crops side by side (PNG). */
  strip: string;
  /** Average guided-backprop projection over the same crops (PNG). */
  guided: string;
  /** The top-k images: dataset-relative path, response and the arg-max unit. */
  topImages: { image: string; response: number; position: [number, number] }[];
}

export interface WeightedFeature {
  /** Index in the feature vector. */
  index: number;
  layer: string;
  channel: number;
  weight: number;
  /** Key into InterpretReport.visuals (the same feature can be relevant to several classes). */
  visual?: string;
}

export interface ClassResult {
  index: number;
  name: string;
  /** Images of this class in the folder. */
  count: number;
  /** Non-negative fit: the relevant features, sorted by weight descending. */
  relevant: WeightedFeature[];
  /** Signed fit: positive weights (evidence that must be present), sorted by weight descending. */
  present: WeightedFeature[];
  /** Signed fit: negative weights (features whose presence argues against the class), most negative first. */
  absent: WeightedFeature[];
  /** Count of relevant features per layer name (non-negative fit). */
  perLayer: Record<string, number>;
  solve: { objective: number; l1: number; kktViolation: number; iterations: number; ms: number };
  signedSolve: { objective: number; l1: number; kktViolation: number; iterations: number; ms: number };
}

export interface InterpretReport {
  schemaVersion: number;
  kind: 'interpretation';
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendName;
  /** wasm only: the threads XNNPACK ran on. */
  backendThreads?: number;
  cacheKey: string;
  model: {
    path: string;
    format: string;
    inputShape: [number, number, number];
    numClasses: number;
    layers: LayerSummary[];
    featureCount: number;
  };
  data: {
    path: string;
    classes: string[];
    numImages: number;
    skipped: { path: string; reason: string }[];
    /** Accuracy of the model on the folder (top-1). */
    accuracy: number;
    perClassAccuracy: number[];
  };
  params: InterpretParams;
  classes: ClassResult[];
  /** Feature visualisations by key "layer:channel". */
  visuals: Record<string, FeatureVisual>;
  /** Binary files for explain, Float32 little-endian: the fitted weights (m x C, row-major) and each
   * feature's highest peak response on the folder (m). */
  weights: { nonNegative: string; signed: string; peakResponses: string; featureCount: number; numClasses: number };
  timings: Record<string, number>;
}

export interface FeatureExplanation {
  index: number;
  layer: string;
  channel: number;
  /** x_f * W[f, c] / sum_f' W[f', c] (method.md section 4, step 2). */
  score: number;
  weight: number;
  response: number;
  heatmap: string;
  overlay: string;
  /** Key into the interpretation report's visuals. */
  visual?: string;
}

export interface AbsentFeatureCheck {
  index: number;
  layer: string;
  channel: number;
  weight: number;
  /** x_f relative to the largest response of this feature on the training folder (0..1+). */
  relativeResponse: number;
  /** True when the feature fires strongly here although it argues against the class. */
  flagged: boolean;
  /** Where it fires in this image (overlay PNG), for flagged features. */
  overlay?: string;
  visual?: string;
}

export interface ExplanationReport {
  schemaVersion: number;
  kind: 'explanation';
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendName;
  /** wasm only: the threads XNNPACK ran on. */
  backendThreads?: number;
  image: string;
  /** Path of the interpretation report used (report.json). */
  interpretation: string;
  params: ExplainParams;
  /**
   * Set when a method other than VEBI made the map (`combined`); such reports have no features and
   * no absent checks. `settings` are the values the method used (layer, steps, samples...).
   */
  method?: { name: string; displayName: string; settings: Record<string, string | number | boolean> };
  prediction: { classIndex: number; className: string; probabilities: { className: string; probability: number }[] };
  features: FeatureExplanation[];
  combined: { heatmap: string; overlay: string };
  absent: AbsentFeatureCheck[];
  input: string;
  timings: Record<string, number>;
}

/** "wasm, 2 threads", "tensorflow": the backend as reports and the panel show it. */
export function backendLabel(report: { backend: string; backendThreads?: number }): string {
  const threads = report.backendThreads;
  return threads === undefined ? report.backend : `${report.backend}, ${threads} thread${threads === 1 ? '' : 's'}`;
}
