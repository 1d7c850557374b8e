/** ablation.json: plain data, accuracies as fractions in [0, 1]. */
import type { BackendName } from '../../shared/params';
import type { AblationCount } from './ablation-sets';

export interface ClassVsOthers {
  /** Accuracy on the images of the ablated class. */
  class: number;
  /** Accuracy on the images of every other class. */
  others: number;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation over the random draws (0 with one draw). */
  std: number;
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
