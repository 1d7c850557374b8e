import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import {
  GramAccumulator,
  activeSetSolve,
  buildGram,
  classProblem,
  kktReport,
  kktViolation,
  objective,
  solveAllClasses,
  solveL1Constrained,
  type GramData,
  type GramKernel,
  type L1Problem,
} from '../../src/engine/solver';
import { isVebiError } from '../../src/shared/errors';
import { seededRandom as prng } from '../helpers/seeded-random';
import { bruteForceL1 } from '../helpers/brute-force-l1';
import { gaussian, problemOf } from '../helpers/l1-problem';
import { scaled } from '../helpers/mutation-scale';


function normaliseRows(x: Float64Array | Float32Array, n: number, m: number): void {
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += x[r * m + i] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < m; i++) x[r * m + i] *= inv;
  }
}

function randomSmall(seed: number, m: number, n: number, nonNegative: boolean): L1Problem {
  const rand = prng(seed);
  const x = new Float64Array(n * m);
  for (let i = 0; i < x.length; i++) x[i] = nonNegative ? rand() : gaussian(rand);
  normaliseRows(x, n, m);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) y[r] = rand() < 0.4 ? 1 : 0;
  return problemOf(x, y, n, m);
}

/**
 * Data shaped like the real features: non-negative, sparse-ish, class-dependent means, rows L2-normalised,
 * with exact duplicate columns, a collinear column (sum of two others) and all-zero columns.
 */
function realistic(seed: number, n: number, m: number, numClasses: number): { x: Float32Array; labels: Int32Array } {
  const rand = prng(seed);
  const base = m - 6;
  const prototypes = new Float64Array(numClasses * base);
  for (let i = 0; i < prototypes.length; i++) prototypes[i] = rand() < 0.3 ? rand() * 3 : rand() * 0.3;
  const x = new Float32Array(n * m);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const label = Math.floor(rand() * numClasses);
    labels[r] = label;
    const row = r * m;
    for (let i = 0; i < base; i++) {
      const v = prototypes[label * base + i] * (0.5 + rand()) + (rand() < 0.5 ? 0 : rand() * 0.5);
      x[row + i] = rand() < 0.2 ? 0 : v;
    }
    x[row + base] = x[row + 3]; // duplicates
    x[row + base + 1] = x[row + 3];
    x[row + base + 2] = x[row + 17];
    x[row + base + 3] = x[row + 5] + x[row + 11]; // collinear (exact up to float32 rounding of the sum)
    x[row + base + 4] = 0; // zero columns
    x[row + base + 5] = 0;
  }
  normaliseRows(x, n, m);
  return { x, labels };
}

function support(w: Float64Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < w.length; j++) if (w[j] !== 0) out.push(j);
  return out;
}

function assertClose(actual: number, expected: number, rel: number, message: string): void {
  const scale = Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= rel * scale, `${message}: ${actual} vs ${expected}`);
}

describe('solver', () => {
  before(async () => {
    await useBackend('wasm');
  });

  describe('against brute force on small problems', () => {
    for (const nonNegative of [true, false]) {
      for (const budget of ['active', 'inactive'] as const) {
        it(`${nonNegative ? 'non-negative' : 'signed'}, budget ${budget}: same objective (1e-9) and support`, () => {
          for (let seed = 1; seed <= 60; seed++) {
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
      for (let seed = 1; seed <= 40; seed++) {
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
      for (let seed = 1; seed <= 60; seed++) {
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

  // Smaller under mutation testing (see mutation-scale.ts): same structure (duplicates, collinear and zero columns).
  const realisticN = scaled(2000, 1000);
  const realisticM = scaled(300, 60);
  describe(`realistic problems (m = ${realisticM}, N = ${realisticN})`, () => {
    const n = realisticN;
    const m = realisticM;
    const numClasses = 10;
    const grams = new Map<GramKernel, GramData>();
    before(() => {
      const { x, labels } = realistic(12345, n, m, numClasses);
      grams.set('js', buildGram(x, labels, m, numClasses, { kernel: 'js' }));
      grams.set('tf', buildGram(x, labels, m, numClasses, { kernel: 'tf' }));
      grams.set('simd', buildGram(x, labels, m, numClasses, { kernel: 'simd' }));
    });

    // Exact G: 1e-9 everywhere. Float32 G ('tf', 'simd'): a column that is collinear in X is collinear in G
    // only to ~4e-8 while c is exact, which shows in the least-squares regime of the signed problem
    // (mu = 1e4, every independent column active); see l1-constrained.ts.
    const cases: Array<{ kernel: GramKernel; nonNegative: boolean; mu: number; tolerance: number }> = [];
    for (const kernel of ['js', 'tf', 'simd'] as const) {
      for (const nonNegative of [true, false]) {
        for (const mu of [0.5, 10, 1e4]) {
          const leastSquaresNoise = kernel !== 'js' && !nonNegative && mu === 1e4;
          cases.push({ kernel, nonNegative, mu, tolerance: leastSquaresNoise ? 1e-7 : 1e-9 });
        }
      }
    }
    for (const { kernel, nonNegative, mu, tolerance } of cases) {
      const name = `${kernel} Gram, ${nonNegative ? 'non-negative' : 'signed'}, mu = ${mu}: KKT below ${tolerance} for every class, same objective as the active-set method`;
      it(name, async () => {
        const data = grams.get(kernel) as GramData;
        const solutions = await solveAllClasses(data, { mu, nonNegative, tolerance });
        assert.equal(solutions.length, numClasses);
        for (let j = 0; j < numClasses; j++) {
          const s = solutions[j];
          const problem = classProblem(data, j);
          assert.ok(s.kktViolation <= tolerance, `class ${j}: kkt ${s.kktViolation}`);
          assert.ok(s.converged);
          assert.equal(s.kktViolation, kktViolation(problem, s.w, { mu, nonNegative }));
          assert.ok(s.l1 <= mu * (1 + 1e-12), `class ${j}: l1 ${s.l1}`);
          if (nonNegative) assert.ok(s.w.every((v) => v >= 0));
          for (const zero of [m - 2, m - 1]) assert.equal(s.w[zero], 0);
          // Exact duplicates never share the support (the rank check keeps one of them).
          assert.ok(s.w[3] === 0 || (s.w[m - 6] === 0 && s.w[m - 5] === 0), `class ${j}: duplicates`);
          if (j < 3) {
            const alone = activeSetSolve(problem, new Float64Array(m), mu, nonNegative, tolerance);
            assertClose(s.objective, objective(problem, alone.w), Math.max(1e-9, tolerance), `class ${j} vs active set`);
          }
        }
      });
    }
  });

  describe('edge cases', () => {
    const problem = randomSmall(99, 6, 30, true);

    it('mu = 0 gives w = 0', () => {
      for (const nonNegative of [true, false]) {
        const s = solveL1Constrained(problem, { mu: 0, nonNegative });
        assert.ok(s.w.every((v) => v === 0));
        assert.equal(s.l1, 0);
        assertClose(s.objective, problem.yty, 1e-15, 'objective');
        assert.ok(s.converged);
      }
    });

    it('an all-zero class gives w = 0 with zero violation', async () => {
      const { x, labels } = realistic(7, 200, 40, 3);
      for (let r = 0; r < labels.length; r++) if (labels[r] === 2) labels[r] = 1;
      const data = buildGram(x, labels, 40, 3);
      assert.equal(data.yty[2], 0);
      for (const nonNegative of [true, false]) {
        const [s] = await solveAllClasses(data, { mu: 10, nonNegative, classes: [2] });
        assert.ok(s.w.every((v) => v === 0));
        assert.equal(s.objective, 0);
        assert.equal(s.kktViolation, 0);
        // From a non-zero start the active-set method must come back to X w = 0.
        const start = new Float64Array(40).fill(0.05);
        const polished = activeSetSolve(classProblem(data, 2), start, 10, nonNegative, 1e-10);
        assert.ok(objective(classProblem(data, 2), polished.w) <= 1e-12);
      }
    });

    it('no positive correlation: the non-negative solution is w = 0', () => {
      const p: L1Problem = { gram: Float64Array.from([1, 0, 0, 1]), xty: Float64Array.from([-1, -2]), yty: 5, m: 2 };
      const s = solveL1Constrained(p, { mu: 10, nonNegative: true });
      assert.deepEqual(Array.from(s.w), [0, 0]);
      assert.ok(s.kktViolation <= 1e-12);
      const signed = solveL1Constrained(p, { mu: 10, nonNegative: false });
      assertClose(signed.w[1], -2, 1e-12, 'signed w1');
    });

    it('rejects bad arguments with BAD_ARGUMENT', () => {
      assert.throws(() => solveL1Constrained(problem, { mu: -1, nonNegative: true }), (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT');
      assert.throws(
        () => buildGram(new Float32Array(4), Int32Array.from([0, 3]), 2, 2),
        (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT',
      );
    });
  });

  describe('gram', () => {
    const n = 1500;
    const m = 70;
    const numClasses = 4;
    const { x, labels } = realistic(31, n, m, numClasses);

    it('streamed batches equal the one-shot build, and y\'y counts the classes', () => {
      const once = buildGram(x, labels, m, numClasses);
      const acc = new GramAccumulator(m, numClasses);
      const rand = prng(5);
      for (let r = 0; r < n; ) {
        const take = Math.min(n - r, 1 + Math.floor(rand() * 300));
        acc.add(x.subarray(r * m, (r + take) * m), labels.subarray(r, r + take));
        r += take;
      }
      const streamed = acc.finish();
      assert.equal(streamed.rows, n);
      assert.deepEqual(streamed.gram, once.gram);
      assert.deepEqual(streamed.xty, once.xty);
      assert.deepEqual(streamed.yty, once.yty);
      const counts = new Float64Array(numClasses);
      for (const l of labels) counts[l]++;
      assert.deepEqual(once.yty, counts);
    });

    it('simd, tf (one column block or several) and js kernels agree with a float64 reference; G is symmetric; duplicates stay exact', () => {
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) y[r] = labels[r] === 1 ? 1 : 0;
      const reference = problemOf(Float64Array.from(x), y, n, m);
      for (const kernel of ['simd', 'tf', 'js'] as const) {
        for (const [chunkRows, blockColumns] of [[64, 32], [256, 32], [1000, 32], [1000, 256]]) {
          const data = buildGram(x, labels, m, numClasses, { kernel, chunkRows, blockColumns });
          assert.equal(data.kernel, kernel);
          const tol = kernel === 'js' ? 1e-13 : 1e-6;
          for (let i = 0; i < m; i++) {
            for (let k = 0; k < m; k++) {
              const g = data.gram[i * m + k];
              assert.equal(g, data.gram[k * m + i]);
              const scale = Math.sqrt(reference.gram[i * m + i] * reference.gram[k * m + k]) || 1;
              assert.ok(Math.abs(g - reference.gram[i * m + k]) <= tol * scale, `${kernel} G[${i},${k}]`);
            }
          }
          const problem = classProblem(data, 1);
          for (let i = 0; i < m; i++) assertClose(problem.xty[i], reference.xty[i], 1e-12, `c[${i}]`);
          assert.equal(problem.yty, reference.yty);
          const d = m - 6;
          assert.equal(data.gram[3 * m + 3], data.gram[3 * m + d]);
          assert.equal(data.gram[d * m + d], data.gram[3 * m + d + 1]);
        }
      }
    });

    it("'auto' takes the SIMD kernel here; it refuses what it cannot do instead of falling back silently", () => {
      assert.equal(buildGram(x, labels, m, numClasses).kernel, 'simd');
      assert.equal(new GramAccumulator(4097, 2).kernel, 'tf'); // above SIMD_MAX_FEATURES: the m x m block would be too big
      assert.throws(() => new GramAccumulator(4097, 2, { kernel: 'simd' }), /at most 4096 features/);
    });

    it('leaves no tensors behind', () => {
      const before = tf.memory().numTensors;
      buildGram(x, labels, m, numClasses, { kernel: 'tf', blockColumns: 16 });
      assert.equal(tf.memory().numTensors, before);
    });
  });

  describe('cancellation', () => {
    let data: GramData;
    before(() => {
      const { x, labels } = realistic(3, 400, 50, 5);
      data = buildGram(x, labels, 50, 5);
    });
    const cancelled = (e: unknown): boolean => isVebiError(e) && e.code === 'CANCELLED';

    it('an aborted signal stops solveL1Constrained and solveAllClasses', async () => {
      const controller = new AbortController();
      controller.abort();
      assert.throws(() => solveL1Constrained(classProblem(data, 0), { mu: 10, nonNegative: true, signal: controller.signal }), cancelled);
      await assert.rejects(solveAllClasses(data, { mu: 10, nonNegative: true, signal: controller.signal }), cancelled);
    });

    it('aborting mid-run stops after the current class; progress counts up', async () => {
      const controller = new AbortController();
      const seen: Array<[number, number]> = [];
      await assert.rejects(
        solveAllClasses(data, {
          mu: 10,
          nonNegative: true,
          signal: controller.signal,
          onProgress: (done, total) => {
            seen.push([done, total]);
            if (done === 2) controller.abort();
          },
        }),
        cancelled,
      );
      assert.deepEqual(seen, [
        [1, 5],
        [2, 5],
      ]);
    });

    it('an abort from a timer lands between classes', async () => {
      const controller = new AbortController();
      const sample = realistic(4, 3000, 200, 40);
      const big = buildGram(sample.x, sample.labels, 200, 40);
      let done = 0;
      await assert.rejects(
        solveAllClasses(big, {
          mu: 10,
          nonNegative: false,
          signal: controller.signal,
          onProgress: (d) => {
            done = d;
            if (d === 1) setTimeout(() => controller.abort(), 0);
          },
        }),
        cancelled,
      );
      assert.ok(done < 40, `finished ${done} classes`);
    });
  });
});
