/**
 * Relevant features of every class (method.md section 2): per class the L1-ball constrained least
 * squares of the one-hot label on the feature matrix, non-negative and signed, sharing one Gram matrix.
 */
import { cancelledError } from '../../shared/errors';
import type { ProgressListener } from '../../shared/progress';
import { buildGram, classProblem, solveL1Constrained } from '../solver';

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
  gramMs: number;
}

export async function fitClassWeights(
  features: Float32Array,
  count: number,
  featureCount: number,
  labels: Int32Array,
  numClasses: number,
  mu: number,
  hooks: { signal?: AbortSignal; onProgress?: ProgressListener },
): Promise<WeightFits> {
  const start = performance.now();
  const gram = buildGram(features.subarray(0, count * featureCount), labels.subarray(0, count), featureCount, numClasses);
  const gramMs = performance.now() - start;
  const nonNegative: ClassFit[] = [];
  const signed: ClassFit[] = [];
  for (let j = 0; j < numClasses; j++) {
    const problem = classProblem(gram, j);
    for (const [list, nonNeg] of [[nonNegative, true], [signed, false]] as const) {
      const t0 = performance.now();
      const solution = solveL1Constrained(problem, { mu, nonNegative: nonNeg, signal: hooks.signal });
      list.push({ ...solution, ms: performance.now() - t0 });
    }
    hooks.onProgress?.({ stage: 'solve', unit: 'classes', done: j + 1, total: numClasses });
    await new Promise((resolve) => setImmediate(resolve)); // let a cancel arrive between classes
    if (hooks.signal?.aborted) throw cancelledError();
  }
  return { nonNegative, signed, gramMs };
}

/** The per-class fits as one m x C row-major matrix (W[f, j] at f * C + j), as the report stores it. */
export function weightMatrix(fits: readonly ClassFit[], featureCount: number, numClasses: number): Float32Array {
  const data = new Float32Array(featureCount * numClasses);
  fits.forEach((fit, j) => fit.w.forEach((value, f) => (data[f * numClasses + j] = value)));
  return data;
}
