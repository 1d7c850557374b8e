/**
 * The solver (LARS path + active-set polish) against an exhaustive oracle on small problems:
 * random, degenerate (duplicate, zero, collinear columns) and tied (integer-valued X).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeSetSolve, kktReport, kktViolation, objective, solveL1Constrained } from '../../src/engine/solver';
import { seededRandom as prng } from '../helpers/seeded-random';
import { bruteForceL1 } from '../helpers/brute-force-l1';
import { assertClose, gaussian, normaliseRows, problemOf, randomSmall, support } from '../helpers/l1-problem';
import { scaled } from '../helpers/mutation-scale';

// Fewer seeds under mutation testing (mutation-scale.ts): every mutant that survives runs them all.
const SEEDS = scaled(60, 20);
const DEGENERATE_SEEDS = scaled(40, 12);

describe('against brute force on small problems', () => {
  for (const nonNegative of [true, false]) {
    for (const budget of ['active', 'inactive'] as const) {
      it(`${nonNegative ? 'non-negative' : 'signed'}, budget ${budget}: same objective (1e-9) and support`, () => {
        for (let seed = 1; seed <= SEEDS; seed++) {
          const m = 3 + (seed % 6);
          const problem = randomSmall(seed * 7919, m, 24, nonNegative);
          const unconstrained = bruteForceL1(problem, { mu: Infinity, nonNegative });
          let lsL1 = 0;
          for (const v of unconstrained.w) lsL1 += Math.abs(v);
          const mu = budget === 'active' ? lsL1 * (0.05 + 0.9 * prng(seed)()) : lsL1 * 1.5 + 1;
          const reference = bruteForceL1(problem, { mu, nonNegative });
          const solved = solveL1Constrained(problem, { mu, nonNegative });
          const label = `seed ${seed} m ${m} mu ${mu}`;
          assertClose(solved.objective, reference.objective, 1e-9, label);
          assert.deepEqual(support(solved.w), support(reference.w), label);
          assert.ok(solved.kktViolation <= 1e-9, `${label}: kkt ${solved.kktViolation}`);
          assert.ok(solved.converged, label);
          assert.ok(solved.l1 <= mu * (1 + 1e-12), label);
          if (budget === 'active') {
            assertClose(solved.l1, mu, 1e-12, `${label} budget`);
            const report = kktReport(problem, solved.w, { mu, nonNegative });
            assert.ok(report.lambda > 0 && report.complementarity <= 1e-9, `${label}: multiplier`);
          }
          // The reference itself passes the KKT check (validates kkt.ts independently).
          assert.ok(kktViolation(problem, reference.w, { mu, nonNegative }) <= 1e-9, `${label}: reference kkt`);
          // The active-set method alone, from w = 0, reaches the same optimum.
          const alone = activeSetSolve(problem, new Float64Array(m), mu, nonNegative, 1e-10);
          assertClose(objective(problem, alone.w), reference.objective, 1e-9, `${label} active-set`);
        }
      });
    }
  }

  it('degenerate columns (duplicate, zero, collinear): brute-force objective and KKT', () => {
    for (let seed = 1; seed <= DEGENERATE_SEEDS; seed++) {
      for (const nonNegative of [true, false]) {
        const rand = prng(seed * 104729);
        const n = 20;
        const m = 7;
        const x = new Float64Array(n * m);
        for (let r = 0; r < n; r++) {
          const row = r * m;
          for (let i = 0; i < 4; i++) x[row + i] = nonNegative ? rand() : gaussian(rand);
          x[row + 4] = x[row + 1]; // duplicate
          x[row + 5] = 0; // zero
          x[row + 6] = x[row + 0] + x[row + 2]; // collinear
        }
        normaliseRows(x, n, m);
        const y = new Float64Array(n);
        for (let r = 0; r < n; r++) y[r] = rand() < 0.5 ? 1 : 0;
        const problem = problemOf(x, y, n, m);
        for (const mu of [0.05, 0.4, 1.5, 1e3]) {
          const reference = bruteForceL1(problem, { mu, nonNegative });
          const solved = solveL1Constrained(problem, { mu, nonNegative });
          const label = `seed ${seed} ${nonNegative ? 'pos' : 'signed'} mu ${mu}`;
          assertClose(solved.objective, reference.objective, 1e-9, label);
          assert.ok(solved.kktViolation <= 1e-9, `${label}: kkt ${solved.kktViolation}`);
          assert.equal(solved.w[5], 0, `${label}: zero column has weight`);
          // The polish from an arbitrary feasible start whose support is linearly dependent
          // (duplicate, collinear and zero columns all non-zero) reaches the same optimum.
          const start = new Float64Array(m);
          for (let j = 0; j < m; j++) start[j] = (nonNegative ? 1 : j % 2 ? -1 : 1) * (0.2 + rand());
          const polished = activeSetSolve(problem, start, mu, nonNegative, 1e-10);
          assertClose(objective(problem, polished.w), reference.objective, 1e-9, `${label} polish`);
          assert.ok(kktViolation(problem, polished.w, { mu, nonNegative }) <= 1e-9, `${label} polish kkt`);
        }
      }
    }
  });
});

describe('ties', () => {
  it('integer-valued X (many exact ties among correlations): brute-force objective, KKT, w >= 0 kept', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rand = prng(seed * 31337);
      const m = 3 + (seed % 6);
      const n = m + 4 + Math.floor(rand() * 8);
      const x = new Float64Array(n * m);
      for (let i = 0; i < x.length; i++) x[i] = Math.floor(rand() * 3);
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) y[r] = rand() < 0.5 ? 1 : 0;
      const problem = problemOf(x, y, n, m);
      for (const nonNegative of [true, false]) {
        for (const mu of [0.1, 0.5, 2, 1e3]) {
          const reference = bruteForceL1(problem, { mu, nonNegative });
          const solved = solveL1Constrained(problem, { mu, nonNegative });
          const label = `seed ${seed} ${nonNegative ? 'pos' : 'signed'} mu ${mu}`;
          assertClose(solved.objective, reference.objective, 1e-9, label);
          assert.ok(solved.kktViolation <= 1e-9, `${label}: kkt ${solved.kktViolation}`);
          if (nonNegative) assert.ok(solved.w.every((v) => v >= 0), label);
        }
      }
    }
  });
});
