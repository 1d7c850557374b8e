/** The solver on problems shaped like real features, with each Gram kernel (js, tf, simd). */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeSetSolve, buildGram, classProblem, kktViolation, objective, solveAllClasses, type GramData, type GramKernel } from '../../src/engine/solver';
import { useBackend } from '../helpers/backend';
import { assertClose, realistic } from '../helpers/l1-problem';
import { scaled } from '../helpers/mutation-scale';

before(async () => {
  await useBackend('wasm');
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
