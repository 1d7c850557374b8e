/**
 * Primal active-set method for the L1-ball constrained least squares (in the spirit of Osborne,
 * Presnell & Turlach 2000 and feature-sign search): exact and finite, used to polish a path solution
 * whose KKT check failed, and usable on its own from w = 0.
 *
 * The support A (linearly independent columns) and signs s define a face. On it the relaxed problem
 * min f s.t. supp(w) in A, s'w <= mu has a closed form (least squares, or the budget-equality system
 * when least squares overspends). Moving from w to that point never leaves the budget while the signs
 * hold; the first coordinate that would change sign stops the move and leaves A. At a face optimum the
 * most violating inactive column joins with the sign of its correlation; if it lies in the span of A,
 * a null-space move (X w unchanged, ||w||_1 strictly smaller) swaps it for an active column first.
 * Every face step lowers f or frees budget, so the method terminates.
 */
import { cancelledError } from '../../shared/errors';
import { IncrementalCholesky } from './cholesky';
import { RANK_TOLERANCE, l1Norm, residualCorrelations, type L1Problem } from './problem';

export interface ActiveSetResult {
  w: Float64Array;
  iterations: number;
}

export function activeSetSolve(
  problem: L1Problem,
  start: Float64Array,
  mu: number,
  nonNegative: boolean,
  tolerance: number,
  signal?: AbortSignal,
  maxIterations = 20 * problem.m + 100,
): ActiveSetResult {
  const { gram, xty, m } = problem;
  const w = Float64Array.from(start);
  if (!(mu > 0)) return { w: new Float64Array(m), iterations: 0 };
  // Start from a feasible point.
  if (nonNegative) for (let j = 0; j < m; j++) if (w[j] < 0) w[j] = 0;
  const startL1 = l1Norm(w);
  if (startL1 > mu) for (let j = 0; j < m; j++) w[j] *= mu / startL1;

  const chol = new IncrementalCholesky(gram, m);
  const active: number[] = [];
  const signs: number[] = [];
  let iterations = 0;

  // Admit the start's support one column at a time, eliminating any column dependent on the others.
  for (let j = 0; j < m; j++) {
    if (w[j] === 0) continue;
    while (w[j] !== 0 && !chol.tryAppend(active, j, RANK_TOLERANCE)) {
      iterations++;
      // Dropping w_j keeps w feasible (only X w changes), so it is a safe way out of a stall.
      if (!nullSpaceMove(problem, chol, active, signs, w, j, Math.sign(w[j]))) w[j] = 0;
    }
    if (w[j] !== 0) {
      active.push(j);
      signs.push(Math.sign(w[j]));
    }
  }


  const target = new Float64Array(m);
  const u = new Float64Array(m);
  const r = new Float64Array(m);
  let newcomer = -1;

  while (iterations < maxIterations) {
    if (signal?.aborted) throw cancelledError();
    iterations++;
    const k = active.length;

    // Face optimum: least squares on A, or the budget-equality solution if that overspends.
    let nu = 0;
    if (k > 0) {
      let sx = 0;
      for (let i = 0; i < k; i++) target[i] = xty[active[i]];
      chol.solveInPlace(target);
      for (let i = 0; i < k; i++) sx += signs[i] * target[i];
      if (sx > mu) {
        for (let i = 0; i < k; i++) u[i] = signs[i];
        chol.solveInPlace(u);
        let su = 0;
        for (let i = 0; i < k; i++) su += signs[i] * u[i];
        nu = (sx - mu) / su;
        for (let i = 0; i < k; i++) target[i] -= nu * u[i];
      }
    }

    // Walk towards it; stop where the first coordinate would change sign.
    let t = 1;
    let hit = -1;
    for (let i = 0; i < k; i++) {
      const wi = w[active[i]];
      const ti = target[i];
      if (ti * signs[i] > 0) continue;
      const crossing = wi === ti ? 0 : wi / (wi - ti);
      if (crossing < t) {
        t = crossing;
        hit = i;
      }
    }
    if (hit >= 0 && t <= 0 && active[hit] === newcomer) {
      // The newcomer would move against its sign from the start: no progress possible on this face.
      break;
    }
    for (let i = 0; i < k; i++) {
      const j = active[i];
      w[j] += t * (target[i] - w[j]);
    }
    newcomer = -1;
    if (hit >= 0) {
      removeActive(chol, active, signs, w, hit);
      continue;
    }

    // Face optimal: the most violating inactive column joins.
    residualCorrelations(problem, w, r);
    // Same scale as kkt.ts; half the tolerance leaves room for rounding in the final check.
    let scale = 0;
    for (let j = 0; j < m; j++) scale = Math.max(scale, Math.abs(xty[j]), Math.abs(xty[j] - r[j]));
    let best = -1;
    let bestExcess = 0.5 * tolerance * scale;
    for (let q = 0; q < m; q++) {
      if (w[q] !== 0 || !(gram[q * m + q] > 0)) continue;
      const excess = (nonNegative ? r[q] : Math.abs(r[q])) - nu;
      if (excess > bestExcess) {
        bestExcess = excess;
        best = q;
      }
    }
    if (best < 0) break;
    const sign = nonNegative || r[best] >= 0 ? 1 : -1;
    if (!chol.tryAppend(active, best, RANK_TOLERANCE)) {
      if (!nullSpaceMove(problem, chol, active, signs, w, best, sign)) break;
      if (!chol.tryAppend(active, best, RANK_TOLERANCE)) break;
    }
    active.push(best);
    signs.push(sign);
    newcomer = best;
  }
  return { w, iterations };
}

function removeActive(chol: IncrementalCholesky, active: number[], signs: number[], w: Float64Array, p: number): void {
  w[active[p]] = 0;
  chol.remove(p);
  active.splice(p, 1);
  signs.splice(p, 1);
}

/**
 * Column j is X_A alpha. Moving w_j += dir t, w_A -= dir t alpha keeps X w; while signs hold ||w||_1
 * changes at rate dir (sign(w_j) - s'alpha). Go the way that does not raise it (a newcomer, w_j = 0,
 * must go its correlation's way and only moves if that lowers ||w||_1) until an active coordinate or
 * w_j reaches zero and leaves. Returns false when no such move exists.
 */
function nullSpaceMove(
  problem: L1Problem,
  chol: IncrementalCholesky,
  active: number[],
  signs: number[],
  w: Float64Array,
  j: number,
  sign: number,
): boolean {
  const { gram, m } = problem;
  const k = active.length;
  const alpha = new Float64Array(Math.max(k, 1));
  for (let i = 0; i < k; i++) alpha[i] = gram[j * m + active[i]];
  chol.solveInPlace(alpha);
  const wj = w[j];
  let sa = 0;
  for (let i = 0; i < k; i++) sa += signs[i] * alpha[i];
  let dir: number;
  if (wj === 0) {
    if (1 - sign * sa >= 0) return false;
    dir = sign;
  } else {
    dir = Math.sign(wj) - sa <= 0 ? 1 : -1;
  }
  let t = Infinity;
  let hit = -2;
  if (wj !== 0 && Math.sign(wj) !== dir) {
    t = Math.abs(wj);
    hit = -1;
  }
  for (let i = 0; i < k; i++) {
    const step = -dir * alpha[i];
    const wi = w[active[i]];
    if (step * wi >= 0) continue;
    const ti = Math.abs(wi / step);
    if (ti < t) {
      t = ti;
      hit = i;
    }
  }
  if (hit === -2 || !Number.isFinite(t)) return false;
  w[j] += dir * t;
  for (let i = 0; i < k; i++) w[active[i]] -= dir * t * alpha[i];
  if (hit === -1) {
    w[j] = 0;
  } else {
    removeActive(chol, active, signs, w, hit);
  }
  return true;
}
