/**
 * Relevant-feature weights of method.md section 2: for each class, the exact solution of
 *   min ||y - X w||^2  s.t. ||w||_1 <= mu  (and w >= 0 for the paper's variant)
 * by the LARS-lasso homotopy cut at ||w||_1 = mu (lars-path.ts), certified by the KKT check
 * (kkt.ts) and, if the check fails, polished by an exact active-set method (active-set.ts).
 *
 * Tolerances: the scaled KKT violation must be <= `tolerance` (default 1e-9; the path alone lands at
 * 1e-16..1e-13 on random and MNIST-sized problems). Columns whose squared distance to the span of the
 * active columns is below RANK_TOLERANCE (1e-10) of their squared norm count as dependent.
 * Known floor: G is X'X of float32 data (and, with the 'tf' kernel, summed in float32 chunks), so a
 * dependency among columns can hold only to ~1e-8 relative while c is exact. When the budget does not
 * bind (least-squares end of the signed path) such a column leaves a violation of ~1e-8..1e-7 that
 * no float64 method on G can remove (cond(G) = cond(X)^2); `converged` is then false. Nothing throws
 * on that: callers decide what to show.
 */
import { VebiError, cancelledError } from '../../shared/errors';
import { activeSetSolve } from './active-set';
import { classProblem, type GramData } from './gram';
import { kktViolation } from './kkt';
import { larsLassoPath } from './lars-path';
import { DEFAULT_TOLERANCE, l1Norm, objectiveFrom, residualCorrelations, type L1Options, type L1Problem, type L1Solution } from './problem';

export function solveL1Constrained(problem: L1Problem, options: L1Options): L1Solution {
  validate(problem, options);
  const { mu, nonNegative, signal } = options;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (signal?.aborted) throw cancelledError();
  const kktOptions = { mu, nonNegative };

  const path = larsLassoPath(problem, mu, nonNegative, signal);
  let w = path.w;
  let iterations = path.iterations;
  let violation = kktViolation(problem, w, kktOptions);
  if (violation > tolerance) {
    const polished = activeSetSolve(problem, w, mu, nonNegative, tolerance, signal);
    iterations += polished.iterations;
    const polishedViolation = kktViolation(problem, polished.w, kktOptions);
    if (polishedViolation < violation) {
      w = polished.w;
      violation = polishedViolation;
    }
  }
  const r = residualCorrelations(problem, w);
  return {
    w,
    objective: objectiveFrom(problem, w, r),
    l1: l1Norm(w),
    kktViolation: violation,
    iterations,
    converged: violation <= tolerance,
  };
}

export interface SolveAllOptions extends L1Options {
  /** Called after each class with (classes done, classes to do). */
  onProgress?: (done: number, total: number) => void;
  /** Classes to solve, in order; default all. Results follow this order. */
  classes?: readonly number[];
}

/**
 * Solves every class on the shared Gram matrix. Yields to the event loop between classes so that an
 * abort can arrive; throws the CANCELLED VebiError once the signal is aborted.
 */
export async function solveAllClasses(data: GramData, options: SolveAllOptions): Promise<L1Solution[]> {
  const classes = options.classes ?? Array.from({ length: data.numClasses }, (_, j) => j);
  const { onProgress } = options;
  const solveOptions: L1Options = { mu: options.mu, nonNegative: options.nonNegative, tolerance: options.tolerance, signal: options.signal };
  const results: L1Solution[] = [];
  for (let i = 0; i < classes.length; i++) {
    if (options.signal?.aborted) throw cancelledError();
    results.push(solveL1Constrained(classProblem(data, classes[i]), solveOptions));
    onProgress?.(i + 1, classes.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw cancelledError();
  return results;
}

function validate(problem: L1Problem, options: L1Options): void {
  const { m, gram, xty, yty } = problem;
  if (!Number.isInteger(m) || m < 1) throw new VebiError('BAD_ARGUMENT', `Feature count must be a positive integer, got ${m}.`);
  if (gram.length !== m * m) throw new VebiError('BAD_ARGUMENT', `Gram matrix has ${gram.length} entries, expected ${m * m}.`);
  if (xty.length !== m) throw new VebiError('BAD_ARGUMENT', `X'y has ${xty.length} entries, expected ${m}.`);
  if (!Number.isFinite(yty)) throw new VebiError('BAD_ARGUMENT', `y'y must be finite, got ${yty}.`);
  if (!(options.mu >= 0)) throw new VebiError('BAD_ARGUMENT', `The L1 budget mu must be >= 0, got ${options.mu}.`);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance > 0)) throw new VebiError('BAD_ARGUMENT', `The KKT tolerance must be > 0, got ${tolerance}.`);
}
