/**
 * KKT conditions of min f(w) = ||y - Xw||^2 s.t. ||w||_1 <= mu (and w >= 0), with r = c - G w
 * (= -grad f / 2) and a multiplier lambda >= 0 of the budget (also halved):
 *   stationarity   signed:   r_j = lambda sign(w_j) if w_j != 0,   |r_j| <= lambda if w_j = 0
 *                  w >= 0:   r_j = lambda           if w_j > 0,     r_j  <= lambda if w_j = 0
 *   feasibility    ||w||_1 <= mu, and w >= 0 for the non-negative variant
 *   complementarity lambda (mu - ||w||_1) = 0
 * Scaled violation, for a given lambda:
 *   V(lambda) = max( stationarity residual / S,  infeasibility / B,  (lambda / S) (mu - ||w||_1)_+ / B )
 * with S = max(||c||_inf, ||G w||_inf) (the size of the gradient terms; ||c||_inf is the lambda where
 * the homotopy path starts) and B = max(mu, 1) (budget units). The reported violation is the smallest
 * V over lambda in {0, lambda_mid, lambda_low}: lambda_mid centres the stationarity band, lambda_low is
 * the smallest active correlation. Any lambda is a valid certificate, so V <= tol proves w optimal up
 * to tol. Exact zeros of w define the support.
 */
import type { L1Problem } from './problem';
import { l1Norm, residualCorrelations } from './problem';

export interface KktOptions {
  mu: number;
  nonNegative: boolean;
}

export interface KktReport {
  violation: number;
  /** The multiplier that certified the violation. */
  lambda: number;
  stationarity: number;
  feasibility: number;
  complementarity: number;
}

export function kktViolation(problem: L1Problem, w: Float64Array, options: KktOptions): number {
  return kktReport(problem, w, options).violation;
}

export function kktReport(problem: L1Problem, w: Float64Array, options: KktOptions): KktReport {
  const { m, xty } = problem;
  const { mu, nonNegative } = options;
  const r = residualCorrelations(problem, w);
  let scale = 0;
  for (let j = 0; j < m; j++) {
    scale = Math.max(scale, Math.abs(xty[j]), Math.abs(xty[j] - r[j]));
  }
  if (!(scale > 0)) scale = 1;
  const budgetScale = Math.max(mu, 1);
  const l1 = l1Norm(w);

  let negative = 0;
  // Active correlations in the direction of the sign: hi/lo span; inactive: the largest one.
  let activeHi = -Infinity;
  let activeLo = Infinity;
  let inactiveHi = -Infinity;
  for (let j = 0; j < m; j++) {
    const wj = w[j];
    if (wj !== 0) {
      if (nonNegative && wj < 0) negative = Math.max(negative, -wj);
      const v = nonNegative ? r[j] : Math.sign(wj) * r[j];
      activeHi = Math.max(activeHi, v);
      activeLo = Math.min(activeLo, v);
    } else {
      inactiveHi = Math.max(inactiveHi, nonNegative ? r[j] : Math.abs(r[j]));
    }
  }
  const feasibility = Math.max(Math.max(0, l1 - mu), negative) / budgetScale;
  const slack = Math.max(0, mu - l1) / budgetScale;

  const evaluate = (lambda: number): KktReport => {
    let stat = 0;
    if (activeHi > -Infinity) stat = Math.max(stat, activeHi - lambda, lambda - activeLo);
    if (inactiveHi > -Infinity) stat = Math.max(stat, inactiveHi - lambda);
    const stationarity = stat / scale;
    const complementarity = (lambda / scale) * slack;
    return {
      violation: Math.max(stationarity, feasibility, complementarity),
      lambda,
      stationarity,
      feasibility,
      complementarity,
    };
  };

  const hi = Math.max(activeHi, inactiveHi);
  const candidates = [0];
  if (activeLo < Infinity) {
    candidates.push(Math.max(0, (hi + activeLo) / 2), Math.max(0, activeLo));
  } else if (hi > 0) {
    candidates.push(hi);
  }
  let best = evaluate(0);
  for (const lambda of candidates) {
    const report = evaluate(lambda);
    if (report.violation < best.violation) best = report;
  }
  return best;
}
