import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { featureVectors, peakResponses } from '../../src/engine/features/feature-vector';
import { TopKTracker } from '../../src/engine/features/top-k-tracker';
import { seededRandom } from '../helpers/seeded-random';

test('feature vectors: each layer block sums to 1 before L2, rows have unit norm after, zero layers stay zero', async () => {
  await useBackend('wasm');
  const rand = seededRandom(3);
  const conv = tf.tensor4d(Array.from({ length: 2 * 4 * 4 * 3 }, () => rand() - 0.3), [2, 4, 4, 3]);
  const dense = tf.tensor2d([[0, 0, 0, 0, 0], [1, -2, 0, 3, 0]], [2, 5]);
  const blocks = featureVectors([conv, dense], false).arraySync();
  assert.equal(blocks[0].length, 8);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum(blocks[0].slice(0, 3)) - 1) < 1e-6);
  assert.ok(Math.abs(sum(blocks[1].slice(0, 3)) - 1) < 1e-6);
  assert.deepEqual(blocks[0].slice(3), [0, 0, 0, 0, 0], 'an all-zero layer gives zeros, not NaN');
  assert.ok(Math.abs(sum(blocks[1].slice(3)) - 1) < 1e-6);
  // Sum of squares, not max or mean: channel energies of the dense row are 1, 4, 0, 9, 0 over 14.
  assert.ok(Math.abs(blocks[1][3 + 3] - 9 / 14) < 1e-6);
  const normalized = featureVectors([conv, dense], true).arraySync();
  for (const row of normalized) assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5);
  assert.ok(normalized.flat().every(Number.isFinite));
  tf.dispose([conv, dense]);
});

test('peak responses: max over space and its flat position per channel', async () => {
  await useBackend('wasm');
  const map = tf.tensor4d([1, 9, 2, 3, 7, 0, 8, 4], [1, 2, 2, 2]);
  const { values, positions } = peakResponses([map]);
  assert.deepEqual(values.arraySync(), [[8, 9]]);
  assert.deepEqual(positions.arraySync(), [[3, 0]]);
  tf.dispose([map, values, positions]);
});

test('top-k tracker keeps the k best per feature, whatever the batch split, ties to the earlier image', () => {
  const rand = seededRandom(11);
  const n = 300;
  const m = 7;
  const k = 5;
  const values = new Float32Array(n * m).map(() => Math.round(rand() * 50));
  const positions = new Int32Array(n * m).map((_, i) => i % 13);
  for (const batch of [1, 16, 300]) {
    const tracker = new TopKTracker(m, k);
    for (let start = 0; start < n; start += batch) {
      const size = Math.min(batch, n - start);
      tracker.addBatch(values.subarray(start * m, (start + size) * m), positions.subarray(start * m, (start + size) * m), size, start);
    }
    for (let f = 0; f < m; f++) {
      const expected = Array.from({ length: n }, (_, i) => ({ response: values[i * m + f], image: i }))
        .sort((a, b) => b.response - a.response || a.image - b.image)
        .slice(0, k);
      assert.deepEqual(tracker.top(f).map((e) => ({ response: e.response, image: e.image })), expected, `feature ${f}, batch ${batch}`);
      assert.deepEqual(tracker.top(f).map((e) => e.position), expected.map((e) => positions[e.image * m + f]));
    }
  }
});
