/**
 * Relevant features of every class (method.md section 2): per class the L1-ball constrained least
 * squares of the one-hot label on the feature matrix, non-negative and signed, sharing one Gram matrix.
 * The Gram statistics are accumulated while the features stream in (StreamedGram), so the N x m
 * matrix itself is never held: memory is m x m whatever N is.
 */
import * as os from 'node:os';
import { VebiError, cancelledError } from '../../shared/errors';
import type { LabelSource } from '../../shared/params';
import type { ProgressListener } from '../../shared/progress';
import { GramAccumulator, classProblem, solveL1Constrained, type GramData } from '../solver';

export interface ClassFit {
  w: Float64Array;
  objective: number;
  l1: number;
  kktViolation: number;
  iterations: number;
  ms: number;
}

export interface WeightFits {
  nonNegative: ClassFit[];
  signed: ClassFit[];
}

/** The m x m float64 Gram matrix may take at most this share of the machine's memory. */
const GRAM_MEMORY_SHARE = 0.5;

/** Feeds feature rows to a Gram accumulator against the chosen targets (true labels or predictions). */
export class StreamedGram {
  private readonly accumulator: GramAccumulator;
  /** Time spent in the Gram build (inside the extraction's time). */
  ms = 0;

  /** Refuses, before any image is read, a feature count whose Gram matrix would not fit in memory. */
  constructor(featureCount: number, numClasses: number, private readonly targets: LabelSource, totalMemory = os.totalmem()) {
    const bytes = featureCount * featureCount * 8;
    if (bytes > GRAM_MEMORY_SHARE * totalMemory) {
      const gib = (n: number) => (n / 2 ** 30).toFixed(1);
      throw new VebiError(
        'BAD_ARGUMENT',
        `The feature layers give ${featureCount.toLocaleString('en-US')} features: the solver's ${featureCount.toLocaleString('en-US')} x ${featureCount.toLocaleString('en-US')} Gram matrix would take ${gib(bytes)} GiB, more than half of this machine's ${gib(totalMemory)} GiB. ` +
          'Take features from fewer layers: --layers on the command line, the vebi.layers setting in VS Code (the deeper layers usually say the most).',
      );
    }
    this.accumulator = new GramAccumulator(featureCount, numClasses);
  }

  /** Extraction's per-batch sink (ExtractionOptions.onVectors). */
  readonly add = (rows: Float32Array, labels: Int32Array, predictions: Int32Array): void => {
    const start = performance.now();
    this.accumulator.add(rows, this.targets === 'gt' ? labels : predictions);
    this.ms += performance.now() - start;
  };

  finish(): GramData {
    const start = performance.now();
    const data = this.accumulator.finish();
    this.ms += performance.now() - start;
    return data;
  }
}

export async function fitClassWeights(
  gram: GramData,
  mu: number,
  hooks: { signal?: AbortSignal; onProgress?: ProgressListener },
): Promise<WeightFits> {
  const nonNegative: ClassFit[] = [];
  const signed: ClassFit[] = [];
  for (let j = 0; j < gram.numClasses; j++) {
    const problem = classProblem(gram, j);
    for (const [list, nonNeg] of [[nonNegative, true], [signed, false]] as const) {
      const t0 = performance.now();
      const solution = solveL1Constrained(problem, { mu, nonNegative: nonNeg, signal: hooks.signal });
      list.push({ ...solution, ms: performance.now() - t0 });
    }
    hooks.onProgress?.({ stage: 'solve', unit: 'classes', done: j + 1, total: gram.numClasses });
    await new Promise((resolve) => setImmediate(resolve)); // let a cancel arrive between classes
    if (hooks.signal?.aborted) throw cancelledError();
  }
  return { nonNegative, signed };
}

/** The per-class fits as one m x C row-major matrix (W[f, j] at f * C + j), as the report stores it. */
export function weightMatrix(fits: readonly ClassFit[], featureCount: number, numClasses: number): Float32Array {
  const data = new Float32Array(featureCount * numClasses);
  fits.forEach((fit, j) => fit.w.forEach((value, f) => (data[f * numClasses + j] = value)));
  return data;
}
