/** The Gram matrix G = X'X, c = X'y, y'y: streamed and one-shot builds, every kernel against float64. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { GramAccumulator, buildGram, classProblem } from '../../src/engine/solver';
import { useBackend } from '../helpers/backend';
import { seededRandom as prng } from '../helpers/seeded-random';
import { assertClose, problemOf, realistic } from '../helpers/l1-problem';

before(async () => {
  await useBackend('wasm');
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
