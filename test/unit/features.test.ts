import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { featureVectors, peakResponses } from '../../src/engine/features/feature-vector';
import { TopKTracker } from '../../src/engine/features/top-k-tracker';
import { nonFiniteError } from '../../src/engine/features/non-finite';
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

/** Feeds n x m values to a tracker in batches of `batch` and checks every feature's list against a plain sort (ties: earlier image first). */
function checkTopK(values: Float32Array, n: number, m: number, k: number, batch: number, what: string): void {
  const positions = new Int32Array(n * m).map((_, i) => i % 13);
  const tracker = new TopKTracker(m, k);
  for (let start = 0; start < n; start += batch) {
    const size = Math.min(batch, n - start);
    tracker.addBatch(values.subarray(start * m, (start + size) * m), positions.subarray(start * m, (start + size) * m), size, start);
  }
  for (let f = 0; f < m; f++) {
    const expected = Array.from({ length: n }, (_, i) => ({ response: values[i * m + f], image: i }))
      .sort((a, b) => b.response - a.response || a.image - b.image)
      .slice(0, k);
    assert.deepEqual(tracker.top(f).map((e) => ({ response: e.response, image: e.image })), expected, `${what}: feature ${f}, batch ${batch}`);
    assert.deepEqual(tracker.top(f).map((e) => e.position), expected.map((e) => positions[e.image * m + f]), `${what}: positions`);
  }
}

test('top-k tracker keeps the k best per feature, whatever the batch split, ties to the earlier image', () => {
  const rand = seededRandom(11);
  const n = 300;
  const m = 7;
  const values = new Float32Array(n * m).map(() => Math.round(rand() * 50));
  for (const batch of [1, 16, 300]) checkTopK(values, n, m, 5, batch, 'responses 0..50');
});

test('top-k tracker: negative responses (pre-activation peaks) with many ties at the floor, k = 1, k larger than the number of images', () => {
  const rand = seededRandom(12);
  const n = 200;
  const m = 4;
  // Responses -13..-1, then -10..2: the k-th best of a full list is negative (or not) and ties with many later images.
  for (const shift of [-13, -10]) {
    const values = new Float32Array(n * m).map(() => Math.round(rand() * 12) + shift);
    for (const batch of [1, 7, 200]) {
      for (const k of [1, 3, 8]) checkTopK(values, n, m, k, batch, `k ${k}, from ${shift}`);
    }
  }
  const values = new Float32Array(3 * m).map(() => Math.round(rand() * 12) - 10);
  for (const batch of [1, 2, 3]) checkTopK(values, 3, m, 5, batch, 'k 5 > 3 images: every image is listed');
  assert.equal(new TopKTracker(m, 5).top(0).length, 0, 'no image yet: an empty list');
});

test('top-k tracker: a -Infinity response still fills a list that is not full; a NaN never enters a full list nor touches another feature', () => {
  const notFull = new TopKTracker(2, 3);
  notFull.addBatch(new Float32Array([-Infinity, 1, 2, 1]), new Int32Array([4, 0, 5, 0]), 2, 10);
  assert.deepEqual(notFull.top(0), [
    { response: 2, image: 11, position: 5 },
    { response: -Infinity, image: 10, position: 4 },
  ]);
  assert.deepEqual(notFull.top(1).map((e) => e.image), [10, 11], 'equal responses: the earlier image first');

  const full = new TopKTracker(2, 2);
  full.addBatch(new Float32Array([5, 7, 3, 8]), new Int32Array([1, 2, 3, 4]), 2, 0);
  full.addBatch(new Float32Array([Number.NaN, 0]), new Int32Array([9, 9]), 1, 2);
  assert.deepEqual(full.top(0), [
    { response: 5, image: 0, position: 1 },
    { response: 3, image: 1, position: 3 },
  ]);
  assert.deepEqual(full.top(1), [
    { response: 8, image: 1, position: 4 },
    { response: 7, image: 0, position: 2 },
  ]);
});

test('peak responses of several layers: conv and dense blocks side by side, per image, dense positions 0', async () => {
  await useBackend('wasm');
  const tensors = tf.memory().numTensors;
  // Two images of a 2 x 2 map with 2 channels, then a dense layer of 3 units (negative values included).
  const map = tf.tensor4d([1, 9, 2, 3, 7, 0, 8, 4, /* image 2 */ 0, -1, 5, -2, -3, -4, 1, -5], [2, 2, 2, 2]);
  const dense = tf.tensor2d([-1, 0.5, 2, -7, -8, 3], [2, 3]);
  const second = tf.tensor4d([4, 6, 5, 1, 0, 2, 3, 3], [2, 2, 2, 1]);
  const { values, positions } = peakResponses([map, dense, second]);
  assert.deepEqual(values.arraySync(), [
    [8, 9, -1, 0.5, 2, 6],
    [5, -1, -7, -8, 3, 3],
  ]);
  assert.deepEqual(positions.arraySync(), [
    [3, 0, 0, 0, 0, 1],
    [1, 0, 0, 0, 0, 2],
  ]);
  assert.equal(positions.dtype, 'int32');
  tf.dispose([map, dense, second, values, positions]);
  assert.equal(tf.memory().numTensors, tensors);
});

test('feature vectors of a single layer: its L1 block, or the block L2-normalised', async () => {
  await useBackend('wasm');
  const dense = tf.tensor2d([[1, -2, 0, 3, 0]], [1, 5]);
  const l1 = featureVectors([dense], false).arraySync()[0];
  [1, 4, 0, 9, 0].forEach((e, i) => assert.ok(Math.abs(l1[i] - e / 14) < 1e-6, `channel ${i}: ${l1[i]}`));
  const l2 = featureVectors([dense], true).arraySync()[0];
  const norm = Math.hypot(1, 4, 9);
  [1, 4, 0, 9, 0].forEach((e, i) => assert.ok(Math.abs(l2[i] - e / norm) < 1e-6, `channel ${i}: ${l2[i]}`));
  dense.dispose();
});

test('NON_FINITE messages: the layer or the class probabilities, the image or "the image explained", the preprocessing when known', () => {
  const layer = nonFiniteError({ layer: 'conv2', row: 3 }, '/data/cats/a.png', 'unit');
  assert.equal(layer.code, 'NON_FINITE');
  assert.equal(layer.path, '/data/cats/a.png');
  assert.ok(
    layer.message.startsWith('Layer "conv2" of the model gives non-finite values (NaN or Infinity, or values too large to square in float32) on image /data/cats/a.png. Usually the preprocessing (now unit) is not the one the model was trained with'),
    layer.message,
  );
  const probs = nonFiniteError({ row: 0 }, '/data/dogs/b.png');
  assert.ok(probs.message.startsWith('The model gives non-finite class probabilities (NaN or Infinity) on image /data/dogs/b.png. Usually the preprocessing is not the one'), probs.message);
  const explained = nonFiniteError(undefined);
  assert.ok(explained.message.startsWith('The model gives non-finite class probabilities (NaN or Infinity) on the image explained. Usually the preprocessing is not the one'), explained.message);
  assert.match(explained.message, /re-export it\.$/);
  assert.equal(explained.path, undefined);
});
