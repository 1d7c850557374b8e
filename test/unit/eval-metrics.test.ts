/**
 * The evaluation metrics against hand computations: IoU at thresholds (and its mean and best),
 * Spearman with ties (average ranks), SSIM (one-window cases worked out by hand, and a reference
 * value from an independent numpy/scipy transcription of Wang et al.'s code).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { IOU_THRESHOLDS, averageRanks, binarizeMask, binaryIoU, iouOverThresholds, spearman, ssim } from '../../src/engine/evaluate/metrics';
import { isVebiError } from '../../src/shared/errors';

const close = (actual: number, expected: number, tol = 1e-12) => assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);

// ---------------------------------------------------------------- IoU

test('the thresholds are 0.05, 0.10, ..., 0.95', () => {
  assert.equal(IOU_THRESHOLDS.length, 19);
  close(IOU_THRESHOLDS[0], 0.05);
  close(IOU_THRESHOLDS[9], 0.5);
  close(IOU_THRESHOLDS[18], 0.95);
});

test('IoU at one threshold, by hand', () => {
  const heat = [0.92, 0.61, 0.33, 0.0];
  const mask = [1, 1, 0, 0];
  close(binaryIoU(heat, mask, 0.5), 1); // on {0,1} = mask
  close(binaryIoU(heat, mask, 0.25), 2 / 3); // on {0,1,2}: 2 in common, 3 in the union
  close(binaryIoU(heat, mask, 0.7), 1 / 2); // on {0}
  close(binaryIoU(heat, mask, 0.95), 0); // nothing on
  close(binaryIoU(heat, mask, 0.61), 1); // ">=": a pixel at the threshold is on
  close(binaryIoU([0, 0], [0, 0], 0.5), 1); // both empty agree
});

test('mean IoU over the 19 thresholds and the best one, by hand', () => {
  // t = 0.05..0.30 (6): on {0,1,2} -> 2/3; 0.35..0.60 (6): {0,1} -> 1; 0.65..0.90 (6): {0} -> 1/2; 0.95: {} -> 0.
  const r = iouOverThresholds([0.92, 0.61, 0.33, 0.0], [1, 1, 0, 0]);
  assert.equal(r.perThreshold.length, 19);
  close(r.mean, 13 / 19);
  close(r.best.iou, 1);
  close(r.best.threshold, 0.35); // the lowest of the tied thresholds
  r.perThreshold.forEach((v, k) => close(v, binaryIoU([0.92, 0.61, 0.33, 0.0], [1, 1, 0, 0], IOU_THRESHOLDS[k])));
});

test('a heatmap equal to the mask has IoU 1 at every threshold below 1', () => {
  const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 7 < 3 ? 1 : 0));
  const r = iouOverThresholds(Float32Array.from(mask), mask);
  assert.ok(r.perThreshold.every((v) => v === 1));
  assert.equal(r.mean, 1);
  // The complement scores 0 everywhere; an all-ones map scores the mask's area fraction.
  assert.equal(iouOverThresholds(Float32Array.from(mask, (v) => 1 - v), mask).mean, 0);
  close(iouOverThresholds(new Float32Array(64).fill(1), mask).mean, mask.reduce((a, b) => a + b, 0) / 64);
});

test('masks: 8-bit white is inside; sizes must match', () => {
  assert.deepEqual([...binarizeMask([0, 127, 128, 255])], [0, 0, 1, 1]);
  assert.throws(() => binaryIoU([1, 0], [1], 0.5), (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT');
  assert.throws(() => iouOverThresholds([1], [1], []), (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT');
});

// ---------------------------------------------------------------- Spearman

test('average ranks of ties', () => {
  assert.deepEqual([...averageRanks([10, 20, 10, 30])], [1.5, 3, 1.5, 4]);
  assert.deepEqual([...averageRanks([5, 5, 5])], [2, 2, 2]);
  assert.deepEqual([...averageRanks([3, 1, 2])], [3, 1, 2]);
});

test('Spearman, by hand (the scipy.stats.spearmanr example with a tie)', () => {
  // ranks b = [1, 2, 3.5, 5, 3.5]; deviations a: [-2,-1,0,1,2], b: [-2,-1,0.5,2,0.5];
  // sum ab = 8, sum aa = 10, sum bb = 9.5 -> rho = 8 / sqrt(95) = 0.8207826816681233 (scipy's value).
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 8 / Math.sqrt(95));
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233, 1e-15);
  close(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1);
  close(spearman([0.1, 0.5, 0.2], [1, 100, 7]), 1); // any increasing transform
  // scipy: spearmanr of the two 14 x 13 maps of the SSIM reference below.
  const { a, b } = referenceMaps();
  close(spearman(a, b), -0.015240243352818676, 1e-12);
});

test('Spearman of constant maps: both constant 1, one constant 0; NaN and size mismatch refused', () => {
  assert.equal(spearman([0, 0, 0], [0, 0, 0]), 1);
  assert.equal(spearman([0, 0, 0], [0.2, 0.2, 0.2]), 1);
  assert.equal(spearman([0, 0, 0], [0, 1, 2]), 0);
  assert.equal(spearman([3, 1, 2], [4, 4, 4]), 0);
  assert.throws(() => spearman([1, NaN], [1, 2]), (e: unknown) => isVebiError(e));
  assert.throws(() => spearman([1, 2], [1]), (e: unknown) => isVebiError(e));
});

// ---------------------------------------------------------------- SSIM

/**
 * a(y,x) = ((3y + 5x) mod 7) / 6, b = ((2y + x^2) mod 5) / 4 on 14 x 13. The reference values come
 * from numpy: scipy.signal.convolve2d(mode="valid") with the outer product of the normalised 1-D
 * Gaussian (11 taps, sigma 1.5) for the local means, E[xy] - mu_x mu_y for the (co)variances.
 */
function referenceMaps(): { a: Float32Array; b: Float32Array; h: number; w: number } {
  const h = 14;
  const w = 13;
  const a = new Float32Array(h * w);
  const b = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      a[y * w + x] = ((3 * y + 5 * x) % 7) / 6;
      b[y * w + x] = ((2 * y + x * x) % 5) / 4;
    }
  }
  return { a, b, h, w };
}

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

test('SSIM of a map with itself is 1; symmetric', () => {
  const { a, b, h, w } = referenceMaps();
  close(ssim(a, a, h, w), 1, 1e-12);
  close(ssim(a, b, h, w), ssim(b, a, h, w), 1e-15);
});

test('SSIM of two constant maps, by hand: (2 c1 c2 + C1) / (c1^2 + c2^2 + C1)', () => {
  const n = 16 * 16;
  // No variance: the structure term is C2 / C2 = 1, only luminance remains, the same at every position.
  close(ssim(new Float32Array(n).fill(0.25), new Float32Array(n).fill(0.75), 16, 16), (2 * 0.25 * 0.75 + C1) / (0.25 ** 2 + 0.75 ** 2 + C1), 1e-9);
  close(ssim(new Float32Array(n), new Float32Array(n), 16, 16), 1); // two all-zero maps
  close(ssim(new Float32Array(n).fill(0.5), new Float32Array(n).fill(0.5), 16, 16), 1, 1e-9);
});

test('SSIM with one 3 x 3 uniform window, by hand (checkerboard vs its complement)', () => {
  const a = [0, 1, 0, 1, 0, 1, 0, 1, 0];
  const b = a.map((v) => 1 - v);
  // mu_a = 4/9, mu_b = 5/9, var_a = var_b = 4/9 - 16/81 = 20/81, cov = 0 - 20/81.
  const expected = ((2 * (4 / 9) * (5 / 9) + C1) * (-40 / 81 + C2)) / (((4 / 9) ** 2 + (5 / 9) ** 2 + C1) * (40 / 81 + C2));
  close(ssim(a, b, 3, 3, { window: 'uniform', size: 3 }), expected, 1e-12);
});

test('SSIM with one 11 x 11 Gaussian window, by hand (a single bright pixel at the centre vs zeros)', () => {
  // The centre weight of the 2-D window is g^2, g = 1 / sum_{i=-5..5} exp(-i^2 / 4.5).
  let sum = 0;
  for (let i = -5; i <= 5; i++) sum += Math.exp(-(i * i) / 4.5);
  const mu = (1 / sum) ** 2;
  const a = new Float32Array(121);
  a[60] = 1;
  // mu_b = var_b = cov = 0; var_a = E[a^2] - mu^2 = mu - mu^2.
  const expected = (C1 * C2) / ((mu * mu + C1) * (mu - mu * mu + C2));
  close(ssim(a, new Float32Array(121), 11, 11), expected, 1e-12);
});

test('SSIM matches a numpy/scipy transcription of Wang et al. (valid 11 x 11 Gaussian, sigma 1.5)', () => {
  const { a, b, h, w } = referenceMaps();
  close(ssim(a, b, h, w), -0.07213445512033852, 1e-6);
  close(ssim(a, a.map((v) => v * 0.5 + 0.25), h, w), 0.8012870907572381, 1e-6);
});

test('SSIM: small maps shrink the window; bad sizes refused', () => {
  const a = [0.1, 0.9, 0.4, 0.6];
  // 2 x 2 -> a 1 x 1 window: SSIM per pixel with zero variance, (2ab + C1) / (a^2 + b^2 + C1).
  const per = a.map((v) => (2 * v * 0.5 + C1) / (v * v + 0.25 + C1));
  close(ssim(a, [0.5, 0.5, 0.5, 0.5], 2, 2), per.reduce((s, v) => s + v, 0) / 4, 1e-12);
  assert.throws(() => ssim([1, 2, 3], [1, 2, 3], 2, 2), (e: unknown) => isVebiError(e));
  assert.throws(() => ssim([1], [1], 1, 1, { size: 4 }), (e: unknown) => isVebiError(e));
});
