/**
 * The per-class problem of method.md section 2 in Gram form:
 *   minimise f(w) = ||y - X w||^2 = y'y - 2 c'w + w'G w   subject to ||w||_1 <= mu (and w >= 0),
 * with G = X'X (m x m), c = X'y, y'y. Only these three depend on the data, so G is shared by classes.
 */

export interface L1Problem {
  /** G = X'X, row-major m x m, symmetric. */
  gram: Float64Array;
  /** c = X'y, length m. */
  xty: Float64Array;
  /** y'y. */
  yty: number;
  m: number;
}

export interface L1Options {
  /** L1 budget: ||w||_1 <= mu. */
  mu: number;
  /** w >= 0 (the paper's SPAMS `pos=true`); false gives the signed problem. */
  nonNegative: boolean;
  /** Largest accepted scaled KKT violation (see kkt.ts). Default DEFAULT_TOLERANCE. */
  tolerance?: number;
  signal?: AbortSignal;
}

export interface L1Solution {
  w: Float64Array;
  /** ||y - X w||^2. */
  objective: number;
  /** ||w||_1. */
  l1: number;
  /** Scaled KKT violation of the returned w (kkt.ts). */
  kktViolation: number;
  /** Path steps plus polishing steps. */
  iterations: number;
  /** kktViolation <= tolerance. */
  converged: boolean;
}

/** Scaled KKT violation accepted as exact; float64 paths land around 1e-13 on real-sized data. */
export const DEFAULT_TOLERANCE = 1e-9;

/** Columns whose distance to the span of the active set is below this (relative to their norm^2) are dependent. */
export const RANK_TOLERANCE = 1e-10;

/** r = c - G w (half the negative gradient of f), using only the non-zeros of w. */
export function residualCorrelations(problem: L1Problem, w: Float64Array, out = new Float64Array(problem.m)): Float64Array {
  const { gram, xty, m } = problem;
  out.set(xty);
  for (let j = 0; j < m; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    const row = j * m;
    for (let k = 0; k < m; k++) out[k] -= wj * gram[row + k];
  }
  return out;
}

/** f(w) = y'y - c'w - w'r with r = c - G w (equal to y'y - 2c'w + w'Gw). */
export function objectiveFrom(problem: L1Problem, w: Float64Array, r: Float64Array): number {
  let cw = 0;
  let wr = 0;
  for (let j = 0; j < problem.m; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    cw += problem.xty[j] * wj;
    wr += wj * r[j];
  }
  return problem.yty - cw - wr;
}

export function l1Norm(w: Float64Array): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += Math.abs(w[j]);
  return s;
}

export function objective(problem: L1Problem, w: Float64Array): number {
  return objectiveFrom(problem, w, residualCorrelations(problem, w));
}
