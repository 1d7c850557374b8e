/** The solver's edge cases (mu = 0, an empty class, no positive correlation, bad arguments) and cancellation. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeSetSolve, buildGram, classProblem, objective, solveAllClasses, solveL1Constrained, type GramData, type L1Problem } from '../../src/engine/solver';
import { isVebiError } from '../../src/shared/errors';
import { useBackend } from '../helpers/backend';
import { assertClose, randomSmall, realistic } from '../helpers/l1-problem';
import { scaled } from '../helpers/mutation-scale';

before(async () => {
  await useBackend('wasm');
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
    const features = scaled(200, 100);
    const sample = realistic(4, scaled(3000, 1000), features, 40);
    const big = buildGram(sample.x, sample.labels, features, 40);
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
