/**
 * What the objective evaluations write (method.md section 5): localization.json, sanity.json,
 * ablation.json and compare.json.
 * Plain data for the CLI and the panel: fractions in [0, 1] (the Markdown shows percentages),
 * times in milliseconds, paths absolute unless said otherwise.
 */
import type { BackendName } from './params';

/** The objective checks (method.md section 5), as the panel's Evaluation view runs and shows them. */
export type EvaluationKind = 'comparison' | 'localization' | 'ablation' | 'sanity';

export const EVALUATION_KINDS: readonly EvaluationKind[] = ['comparison', 'localization', 'ablation', 'sanity'];

/** The summary each evaluation writes into its folder. */
export const EVALUATION_FILES: Record<EvaluationKind, string> = { comparison: 'compare.json', localization: 'localization.json', ablation: 'ablation.json', sanity: 'sanity.json' };

/** Which class an evaluation explains. */
export type EvaluationTarget = 'ground-truth' | 'predicted';

export interface EvaluationHeader {
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendName;
  backendThreads?: number;
  model: { path: string; inputShape: [number, number, number]; numClasses: number };
  /** Things the user should know (a method that failed, images skipped...). */
  warnings: string[];
  timings: Record<string, number>;
}

// ---------------------------------------------------------------- localization

export interface LocalizationMethodResult {
  /** Registry name (`explain --method NAME`) and display name. */
  name: string;
  displayName: string;
  /** Set when the method could not run on this model; every figure below is then null. */
  error?: string;
  /** Mean over images of each image's mean IoU over the thresholds (the paper's figure). */
  meanIoU: number | null;
  /** Sample standard deviation of the per-image mean IoU over the images. */
  stdIoU: number | null;
  /** Mean over images of the IoU at each of `params.thresholds`. */
  perThreshold: (number | null)[];
  /** The single threshold with the best mean-over-images IoU, and that IoU. */
  best: { threshold: number; iou: number } | null;
  /** Mean IoU over the images the model classifies right / wrong (null when there are none). */
  byPrediction: { correct: number | null; wrong: number | null };
  /** Explanation time per image. */
  msPerImage: number | null;
  /** Settings the method used (layer, steps, ...), from its first image. */
  settings: Record<string, string | number | boolean>;
}

export interface LocalizationImage {
  /** Relative to `data.path`/images, '/' separators. */
  image: string;
  label: number;
  predicted: number;
  /** Fraction of the image under the mask (at the model's input size). */
  maskFraction: number;
  /** This image's mean IoU over the thresholds, per method, in the order of `methods` (null: method failed). */
  meanIoU: (number | null)[];
}

export interface LocalizationReport extends EvaluationHeader {
  kind: 'localization';
  /** Interpretation report folder (the weights of VEBI and upsampled activations). */
  report: string;
  data: { path: string; classes: string[]; numImages: number; skipped: { path: string; reason: string }[]; variant?: string };
  params: {
    /** Binarisation thresholds of the heatmap: a pixel is on when its value is >= the threshold. */
    thresholds: number[];
    target: EvaluationTarget;
    /** Masks are resized to the model's input size with nearest-neighbour; white (>= 128) is inside. */
    maskResize: 'nearest';
    /** Relevant features of VEBI and upsampled activations. */
    topFeatures: number;
    maxPerClass?: number;
  };
  /** Top-1 accuracy of the model on the images evaluated. */
  accuracy: number;
  methods: LocalizationMethodResult[];
  images: LocalizationImage[];
}

// ---------------------------------------------------------------- sanity

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (over images in sanity checks, over random draws in ablation; 0 with one). */
  std: number;
}

export interface SanityStep {
  /** 0 = the original model; k = the top k layers with weights re-initialised. */
  index: number;
  /** The layer re-initialised at this step (null at step 0). */
  layer: string | null;
  /** Every layer re-initialised at this step, top first. */
  randomized: string[];
  /** Top-1 accuracy of this model on the training images (null when no method needed VEBI's fit). */
  accuracy: number | null;
  /** Relevant features VEBI found on this model (non-zero weights, summed over classes; null as above). */
  relevantFeatures: number | null;
}

export interface SanityMethodResult {
  name: string;
  displayName: string;
  error?: string;
  /** Per step: similarity of the explanation with the step-0 one, mean and std over images. */
  spearman: MeanStd[];
  ssim: MeanStd[];
  msPerImage: number | null;
}

export interface ClassSensitivity {
  name: string;
  displayName: string;
  error?: string;
  /** Similarity of the explanations of the top class and of the second-ranked class (original model). */
  spearman: MeanStd | null;
  ssim: MeanStd | null;
}

export interface SanityReport extends EvaluationHeader {
  kind: 'sanity';
  /** Training images: VEBI's interpretation is fitted on them again at every step. */
  data: { path: string; classes: string[]; numImages: number; skipped: { path: string; reason: string }[] };
  /** The fixed images explained at every step, with the original model's top two classes. */
  images: { image: string; predicted: number; second: number }[];
  params: {
    seed: number;
    /** Kernels ~ N(0, 2 / (fan_in + fan_out)) (Glorot normal, not truncated); biases zero; other weights (batch norm) kept. */
    initializer: 'glorot-normal';
    /** Explanations of every step are for the class the original model predicts. */
    target: 'original-prediction';
    /** Relevant features per explanation (VEBI, upsampled activations). */
    topFeatures: number;
    mu: number;
    labels: 'gt' | 'predicted';
    maxPerClass?: number;
    /** SSIM window: Gaussian 11 x 11, sigma 1.5, C1 = 0.01^2, C2 = 0.03^2, valid positions; Spearman: average ranks for ties. */
    ssim: { window: 'gaussian'; size: number; sigma: number };
  };
  steps: SanityStep[];
  methods: SanityMethodResult[];
  classSensitivity: ClassSensitivity[];
}

// ---------------------------------------------------------------- ablation (ablation.json)

/** How many relevant features to zero: a number, or all of the class's relevant features. */
export type AblationCount = number | 'all';

export interface ClassVsOthers {
  /** Accuracy on the images of the ablated class. */
  class: number;
  /** Accuracy on the images of every other class. */
  others: number;
}

export interface AblationPoint {
  /** The count asked for. */
  n: AblationCount;
  /** Features actually zeroed: n capped at the class's number of relevant features. */
  ablated: number;
  relevant: ClassVsOthers;
  random: { class: MeanStd; others: MeanStd };
}

export interface ClassAblation {
  index: number;
  name: string;
  images: number;
  /** Relevant features (positive weights of the non-negative fit), heaviest first. */
  relevant: { index: number; layer: string; channel: number; weight: number }[];
  baseline: ClassVsOthers;
  points: AblationPoint[];
}

export interface AblationSummary {
  kind: 'ablation';
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendName;
  backendThreads?: number;
  model: { path: string; featureCount: number; numClasses: number };
  /** The interpretation report whose weights define the relevant features. */
  report: string;
  data: { path: string; classes: string[]; numImages: number; skipped: { path: string; reason: string }[] };
  params: {
    counts: AblationCount[];
    draws: number;
    seed: number;
    /** Random features are drawn uniformly from all m features, the same draws for every class. */
    randomPool: 'all-features';
    maxPerClass?: number;
  };
  /** Top-1 accuracy of the intact model on the folder. */
  baselineAccuracy: number;
  classes: ClassAblation[];
  /**
   * Averages over classes. Random: per draw, the mean over classes, then mean and std over draws.
   */
  average: { baseline: ClassVsOthers; points: AblationPoint[] };
  /** Things the user should know (for example: the report was made from a model at another path). */
  warnings: string[];
  timings: Record<string, number>;
}

// ---------------------------------------------------------------- methods side by side

export interface ComparedMethod {
  /** Registry name and display name. */
  name: string;
  displayName: string;
  /** Set when the method could not run on this model (then no images). */
  error?: string;
  /** Relative to the comparison folder. */
  heatmap?: string;
  overlay?: string;
  ms: number;
  settings: Record<string, string | number | boolean>;
}

/** compare.json: every explanation method on one image, for the same class. */
export interface ComparisonReport extends EvaluationHeader {
  kind: 'comparison';
  image: string;
  /** Interpretation report folder (the weights of VEBI and upsampled activations). */
  report: string;
  /** The input as drawn under the overlays, relative to the comparison folder. */
  input: string;
  prediction: { classIndex: number; className: string; probability: number };
  /** The class every method explains (the predicted one unless asked otherwise). */
  explained: { classIndex: number; className: string };
  methods: ComparedMethod[];
}
