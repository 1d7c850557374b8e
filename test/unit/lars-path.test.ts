/**
 * The LARS-lasso path (lars-path.ts) ALONE, without the active-set polish that solveL1Constrained
 * runs when the KKT check fails: the polish would repair a wrong path, so the solver's own tests
 * cannot see a broken path. Every case here is checked against the brute-force reference and the
 * KKT conditions of min ||y - Xw||^2 s.t. ||w||_1 <= mu (and w >= 0), using the path's own lambda.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kktReport, l1Norm, larsLassoPath, objective, residualCorrelations, solveL1Constrained, type L1Problem, type PathResult } from '../../src/engine/solver';
import { seededRandom as prng } from '../helpers/seeded-random';
import { bruteForceL1 } from '../helpers/brute-force-l1';
import { gaussian, problemOf } from '../helpers/l1-problem';

/**
 * A random problem with n > m (G positive definite, unique optimum). Gaussian X gives correlations of
 * both signs, so the signed and the non-negative answers differ; non-negative X is shaped like the
 * real features (rows L2-normalised, 0/1 labels).
 */
function randomProblem(seed: number, m: number, n: number, positiveX: boolean): L1Problem {
  const rand = prng(seed);
  const x = new Float64Array(n * m);
  for (let i = 0; i < x.length; i++) x[i] = positiveX ? rand() : gaussian(rand);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += x[r * m + i] ** 2;
    for (let i = 0; i < m; i++) x[r * m + i] /= Math.sqrt(s);
  }
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) y[r] = rand() < 0.4 ? 1 : 0;
  return problemOf(x, y, n, m);
}

interface Case {
  label: string;
  problem: L1Problem;
  mu: number;
  nonNegative: boolean;
  /** ||w||_1 of the least-squares optimum without budget (same sign constraint). */
  unconstrainedL1: number;
}

/** 2 sign modes x 2 kinds of X x 30 problems x 4 budgets = 480 cases, m from 3 to 8. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const nonNegative of [true, false]) {
    for (const positiveX of [false, true]) {
      for (let seed = 1, used = 0; used < 30; seed++) {
        const m = 3 + (seed % 6);
        const problem = randomProblem(seed * 7919 + (positiveX ? 1 : 0), m, 24, positiveX);
        const unconstrainedL1 = l1Norm(bruteForceL1(problem, { mu: Infinity, nonNegative }).w);
        // No positive correlation (w >= 0 on gaussian X): w = 0 for every budget, nothing to check.
        if (unconstrainedL1 === 0) continue;
        used++;
        const fraction = prng(seed * 31)();
        // Three budgets that bind (small, random, just below the least-squares norm), one that does not.
        for (const mu of [unconstrainedL1 * 0.02, unconstrainedL1 * (0.1 + 0.8 * fraction), unconstrainedL1 * 0.98, unconstrainedL1 * 1.5 + 1]) {
          const label = `${nonNegative ? 'w >= 0' : 'signed'}, ${positiveX ? 'X >= 0' : 'gaussian X'}, seed ${seed}, m ${m}, mu ${mu}`;
          out.push({ label, problem, mu, nonNegative, unconstrainedL1 });
        }
      }
    }
  }
  return out;
}

/**
 * KKT conditions checked directly with the multiplier the path reports (its final lambda), scaled by
 * ||c||_inf (where the path starts): active s_j r_j = lambda, inactive r_j (or |r_j|) <= lambda,
 * lambda >= 0, lambda = 0 unless the budget is spent.
 */
function assertPathKkt(c: Case, path: PathResult, tol: number): void {
  const { problem, nonNegative, label } = c;
  const r = residualCorrelations(problem, path.w);
  let scale = 0;
  for (const v of problem.xty) scale = Math.max(scale, Math.abs(v));
  const lambda = path.lambda;
  assert.ok(lambda >= 0, `${label}: lambda ${lambda}`);
  for (let j = 0; j < problem.m; j++) {
    const wj = path.w[j];
    if (wj !== 0) {
      const signed = nonNegative ? r[j] : Math.sign(wj) * r[j];
      assert.ok(Math.abs(signed - lambda) <= tol * scale, `${label}: active ${j} correlation ${signed} vs lambda ${lambda}`);
    } else {
      const v = nonNegative ? r[j] : Math.abs(r[j]);
      assert.ok(v <= lambda + tol * scale, `${label}: inactive ${j} correlation ${v} above lambda ${lambda}`);
    }
  }
  if (!path.budgetReached) assert.ok(lambda <= tol * scale, `${label}: budget slack but lambda ${lambda}`);
}

function support(w: Float64Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < w.length; j++) if (w[j] !== 0) out.push(j);
  return out;
}

describe('LARS-lasso path alone (no active-set polish)', () => {
  const all = cases();

  it('480 random problems: KKT with the path\'s own lambda, the budget spent exactly when it binds, the brute-force answer', () => {
    assert.equal(all.length, 480);
    for (const c of all) {
      const { problem, mu, nonNegative, label } = c;
      const path = larsLassoPath(problem, mu, nonNegative);
      assert.equal(path.degenerate, false, `${label}: degenerate`);
      assertPathKkt(c, path, 1e-10);
      // The independent KKT check of kkt.ts agrees (the same certificate the solver uses).
      const report = kktReport(problem, path.w, { mu, nonNegative });
      assert.ok(report.violation <= 1e-10, `${label}: kkt.ts violation ${report.violation}`);

      const l1 = l1Norm(path.w);
      const binds = mu < c.unconstrainedL1;
      assert.equal(path.budgetReached, binds, `${label}: budgetReached`);
      if (binds) {
        assert.ok(Math.abs(l1 - mu) <= 1e-12 * mu, `${label}: ||w||_1 = ${l1}, budget ${mu}`);
        assert.ok(path.lambda > 0, `${label}: binding budget needs lambda > 0`);
      } else {
        assert.ok(l1 <= mu, `${label}: ||w||_1 = ${l1} over budget ${mu}`);
        assert.equal(path.lambda, 0, `${label}: the path must run to its least-squares end`);
      }

      if (nonNegative) assert.ok(path.w.every((v) => v >= 0), `${label}: negative weight ${Array.from(path.w)}`);

      const reference = bruteForceL1(problem, { mu, nonNegative });
      const f = objective(problem, path.w);
      assert.ok(Math.abs(f - reference.objective) <= 1e-9 * Math.max(reference.objective, 1e-12), `${label}: objective ${f} vs ${reference.objective}`);
      assert.deepEqual(support(path.w), support(reference.w), `${label}: support`);
      for (let j = 0; j < problem.m; j++) {
        assert.ok(Math.abs(path.w[j] - reference.w[j]) <= 1e-8 * Math.max(mu, 1), `${label}: w[${j}] ${path.w[j]} vs ${reference.w[j]}`);
      }
    }
  });

  it('the sign constraint matters on these problems: w >= 0 differs from the signed answer where the signed one has a negative weight', () => {
    let differing = 0;
    for (const c of all) {
      if (!c.nonNegative) continue;
      const signed = larsLassoPath(c.problem, c.mu, false);
      if (!signed.w.some((v) => v < 0)) continue;
      const positive = larsLassoPath(c.problem, c.mu, true);
      assert.ok(positive.w.every((v) => v >= 0), c.label);
      // The signed optimum is infeasible for w >= 0, so the non-negative path must not return it.
      assert.notDeepEqual(Array.from(positive.w), Array.from(signed.w), c.label);
      differing++;
    }
    // Enough cases where the sign constraint changes the answer for the checks above to mean something.
    assert.ok(differing >= 50, `only ${differing} cases with a negative signed weight`);
  });

  it('hand-sized problems: the exact points of the path', () => {
    // G = I, c = (3, -2, 1): the path is soft-thresholding, w_j = sign(c_j) (|c_j| - lambda)_+.
    // Signed, budget 2: at lambda in (1, 2) columns 0 and 1 are active and ||w||_1 = 5 - 2 lambda,
    // so the budget is met at lambda = 1.5, w = (1.5, -0.5, 0).
    const p: L1Problem = { gram: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), xty: Float64Array.from([3, -2, 1]), yty: 20, m: 3 };
    const signed = larsLassoPath(p, 2, false);
    assert.deepEqual(Array.from(signed.w, (v) => Math.round(v * 1e12) / 1e12), [1.5, -0.5, 0]);
    assert.ok(Math.abs(signed.lambda - 1.5) < 1e-12);
    assert.equal(signed.budgetReached, true);
    // w >= 0, budget 1.5: column 1 (c = -2) never joins; only column 0 is active above lambda = 1,
    // ||w||_1 = 3 - lambda = 1.5 at lambda = 1.5, w = (1.5, 0, 0).
    const positive = larsLassoPath(p, 1.5, true);
    assert.deepEqual(Array.from(positive.w, (v) => Math.round(v * 1e12) / 1e12), [1.5, 0, 0]);
    assert.ok(Math.abs(positive.lambda - 1.5) < 1e-12);
    assert.equal(positive.budgetReached, true);
    // w >= 0, budget 3.5: below lambda = 1 columns 0 and 2 are active, ||w||_1 = 4 - 2 lambda = 3.5
    // at lambda = 0.25, w = (2.75, 0, 0.75).
    const wider = larsLassoPath(p, 3.5, true);
    assert.deepEqual(Array.from(wider.w, (v) => Math.round(v * 1e12) / 1e12), [2.75, 0, 0.75]);
    assert.ok(Math.abs(wider.lambda - 0.25) < 1e-12);
    // Budget above ||c||_1 = 6 (signed): the least-squares end, w = c, lambda = 0.
    const end = larsLassoPath(p, 10, false);
    assert.deepEqual(Array.from(end.w), [3, -2, 1]);
    assert.equal(end.lambda, 0);
    assert.equal(end.budgetReached, false);
    // mu = 0: w = 0 at once.
    const none = larsLassoPath(p, 0, true);
    assert.deepEqual(Array.from(none.w), [0, 0, 0]);
    // w >= 0 with no positive correlation: w = 0 is optimal and the budget is not spent.
    const negative: L1Problem = { ...p, xty: Float64Array.from([-3, -2, -1]) };
    const zero = larsLassoPath(negative, 2, true);
    assert.deepEqual(Array.from(zero.w), [0, 0, 0]);
    assert.equal(zero.budgetReached, false);
  });
});

describe('solveL1Constrained hands the sign constraint to the path', () => {
  it('w >= 0 on problems whose signed optimum has a negative weight: the path alone is certified (no polish steps)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const m = 3 + (seed % 6);
      const problem = randomProblem(seed * 104729, m, 24, false);
      const mu = 0.5 * l1Norm(bruteForceL1(problem, { mu: Infinity, nonNegative: false }).w);
      const signed = bruteForceL1(problem, { mu, nonNegative: false });
      if (!signed.w.some((v) => v < 0)) continue;
      checked++;
      const label = `seed ${seed} m ${m} mu ${mu}`;
      const path = larsLassoPath(problem, mu, true);
      const solved = solveL1Constrained(problem, { mu, nonNegative: true });
      // Had the path been run signed, its answer (negative weights) would fail the w >= 0 KKT check
      // and the active-set polish would add steps and replace w.
      assert.equal(solved.iterations, path.iterations, `${label}: polish steps were needed`);
      assert.deepEqual(Array.from(solved.w), Array.from(path.w), `${label}: the returned w is not the path's`);
      assert.ok(solved.w.every((v) => v >= 0), label);
      const reference = bruteForceL1(problem, { mu, nonNegative: true });
      assert.ok(Math.abs(solved.objective - reference.objective) <= 1e-9 * reference.objective, label);
    }
    assert.ok(checked >= 20, `only ${checked} problems with a negative signed weight`);
  });

  it('a two-feature case by hand: the signed answer is (2, -1), the non-negative one (2, 0) in as many steps as the path', () => {
    // G = I, c = (2, -1): signed least squares w = c (||c||_1 = 3 <= mu); with w >= 0, w = (2, 0).
    const p: L1Problem = { gram: Float64Array.from([1, 0, 0, 1]), xty: Float64Array.from([2, -1]), yty: 6, m: 2 };
    const signed = solveL1Constrained(p, { mu: 10, nonNegative: false });
    assert.deepEqual(Array.from(signed.w), [2, -1]);
    const positive = solveL1Constrained(p, { mu: 10, nonNegative: true });
    assert.deepEqual(Array.from(positive.w), [2, 0]);
    assert.equal(positive.iterations, larsLassoPath(p, 10, true).iterations);
    assert.equal(positive.objective, 2);
  });
});
