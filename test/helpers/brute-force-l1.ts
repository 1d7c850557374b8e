/**
 * Exact reference for small m (tests only: kept out of src so mutation testing never instruments the oracle): the optimum lies in the relative interior of some
 * face {supp(w) = S, sign(w_S) = s}, where it is either the least-squares solution on S (budget slack)
 * or the solution with s'w_S = mu (budget tight). Enumerating every S with linearly independent
 * columns (some optimum always has one) and every sign pattern, keeping the best feasible point, gives
 * the optimum. Cost ~ 3^m small solves: m <= 12.
 */
import { VebiError } from '../../src/shared/errors';
import { choleskyInPlace, choleskySolveInPlace } from '../../src/engine/solver/cholesky';
import { objective, type L1Problem } from '../../src/engine/solver/problem';

export interface BruteForceResult {
  w: Float64Array;
  objective: number;
}

export const BRUTE_FORCE_MAX_FEATURES = 12;

/** Relative pivot below which a support's columns count as dependent (then a smaller S covers it). */
const SINGULAR = 1e-10;

export function bruteForceL1(problem: L1Problem, options: { mu: number; nonNegative: boolean }): BruteForceResult {
  const { m, gram, xty } = problem;
  const { mu, nonNegative } = options;
  if (m > BRUTE_FORCE_MAX_FEATURES) {
    throw new VebiError('BAD_ARGUMENT', `Brute force is for m <= ${BRUTE_FORCE_MAX_FEATURES}, got ${m}.`);
  }
  let bestW = new Float64Array(m);
  let bestF = objective(problem, bestW);
  if (!(mu > 0)) return { w: bestW, objective: bestF };
  // Sign slack: a coordinate this far on the wrong side of zero is rounding, not a sign change.
  const slack = 1e-12 * Math.max(mu === Infinity ? 1 : mu, 1);

  const consider = (support: number[], values: Float64Array): void => {
    const w = new Float64Array(m);
    for (let i = 0; i < support.length; i++) w[support[i]] = values[i];
    const f = objective(problem, w);
    if (f < bestF) {
      bestF = f;
      bestW = w;
    }
  };

  for (let mask = 1; mask < 1 << m; mask++) {
    const support: number[] = [];
    for (let j = 0; j < m; j++) if (mask & (1 << j)) support.push(j);
    const k = support.length;
    const l = new Float64Array(k * k);
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) l[p * k + q] = gram[support[p] * m + support[q]];
    if (!choleskyInPlace(l, k, SINGULAR)) continue;

    const x = new Float64Array(k);
    for (let p = 0; p < k; p++) x[p] = xty[support[p]];
    choleskySolveInPlace(l, k, x);

    // Least squares on S, if it has no zero, the right signs and fits the budget.
    let l1 = 0;
    let ok = true;
    for (let p = 0; p < k; p++) {
      if (x[p] === 0 || (nonNegative && x[p] < 0)) ok = false;
      l1 += Math.abs(x[p]);
    }
    if (ok && l1 <= mu + slack) consider(support, x);
    if (mu === Infinity) continue;

    // Budget-tight point for each sign pattern: w = x - nu u, u = G_SS^-1 s, s'w = mu.
    const patterns = nonNegative ? 1 : 1 << k;
    for (let pattern = 0; pattern < patterns; pattern++) {
      const s = new Float64Array(k);
      for (let p = 0; p < k; p++) s[p] = pattern & (1 << p) ? -1 : 1;
      const u = Float64Array.from(s);
      choleskySolveInPlace(l, k, u);
      let sx = 0;
      let su = 0;
      for (let p = 0; p < k; p++) {
        sx += s[p] * x[p];
        su += s[p] * u[p];
      }
      const nu = (sx - mu) / su;
      const w = new Float64Array(k);
      let feasible = true;
      for (let p = 0; p < k; p++) {
        w[p] = x[p] - nu * u[p];
        if (s[p] * w[p] < -slack) feasible = false;
        else if (s[p] * w[p] < 0) w[p] = 0;
      }
      if (feasible) consider(support, w);
    }
  }
  return { w: bestW, objective: bestF };
}
