/**
 * Heatmap and mask values that sit exactly on a threshold: a heatmap pixel equal to the threshold
 * is "on" (>=), an 8-bit mask pixel of exactly 128 is inside. The values are the thresholds
 * themselves (the same doubles IOU_THRESHOLDS holds), so there is no rounding to hide behind.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { IOU_THRESHOLDS, binarizeMask, binaryIoU, iouOverThresholds } from '../../src/engine/evaluate/metrics';

test('binaryIoU: a pixel exactly at the threshold is on, at every one of the 19 thresholds', () => {
  for (const t of IOU_THRESHOLDS) {
    // Pixel 0 at the threshold, inside the mask; pixel 1 just below, outside.
    assert.equal(binaryIoU([t, t - 1e-9], [1, 0], t), 1, `threshold ${t}`);
    // Pixel 0 at the threshold, outside the mask: it is on, so it counts in the union.
    assert.equal(binaryIoU([t, 1], [0, 1], t), 1 / 2, `threshold ${t}, the pixel at it outside the mask`);
  }
  assert.equal(binaryIoU([0, 1, 0.5], [0, 1, 1], 0), 2 / 3, 'threshold 0: every pixel is on');
  assert.equal(binaryIoU([1, 0.999], [1, 1], 1), 1 / 2, 'threshold 1: only pixels of exactly 1 are on');
});

test('iouOverThresholds: a heatmap pixel equal to a threshold counts as on at that threshold', () => {
  // Pixel 0 (inside the mask) is exactly 0.5; pixel 1 (outside) is 0. On at 0.05 ... 0.5, off above.
  const r = iouOverThresholds([0.5, 0], [1, 0]);
  assert.deepEqual(r.perThreshold, IOU_THRESHOLDS.map((t) => (t <= 0.5 ? 1 : 0)));
  assert.equal(r.perThreshold[IOU_THRESHOLDS.indexOf(0.5)], 1, 'at 0.5 itself the pixel is on');
  assert.equal(r.mean, 10 / 19);
  assert.deepEqual(r.best, { iou: 1, threshold: 0.05 }, 'ties go to the lowest threshold');

  // One pixel per threshold, each exactly on it, all inside the mask; plus one outside pixel at 0.
  // At threshold k/20 the pixels k/20 ... 19/20 are on: (20 - k) of the 19 mask pixels.
  const heat = [...IOU_THRESHOLDS, 0];
  const mask = [...IOU_THRESHOLDS.map(() => 1), 0];
  const all = iouOverThresholds(heat, mask);
  all.perThreshold.forEach((v, i) => assert.equal(v, (19 - i) / 19, `threshold ${IOU_THRESHOLDS[i]}`));
  assert.deepEqual(all.best, { iou: 1, threshold: 0.05 });
  assert.equal(all.mean, IOU_THRESHOLDS.reduce((a, _, i) => a + (19 - i) / 19, 0) / 19);
  // Each entry agrees with binaryIoU at the same threshold.
  all.perThreshold.forEach((v, i) => assert.equal(v, binaryIoU(heat, mask, IOU_THRESHOLDS[i])));

  // Given thresholds: a pixel on the only threshold is on; the outside pixel at it joins the union.
  assert.deepEqual(iouOverThresholds([0.3, 0.3, 0.2], [1, 0, 1], [0.3]).perThreshold, [1 / 3]);
  assert.deepEqual(iouOverThresholds([0.3, 0.3, 0.2], [1, 0, 1], [0.2, 0.3]), { perThreshold: [2 / 3, 1 / 3], mean: 1 / 2, best: { iou: 2 / 3, threshold: 0.2 } });
});

test('the best threshold: ties go to the lowest one, also when the tie is not at the start', () => {
  // IoU 1/2 at 0.1, then 1 at 0.2 and 0.3 (pixel exactly 0.3), 0 at 0.4: the best is 0.2.
  const r = iouOverThresholds([0.3, 0.15], [1, 0], [0.1, 0.2, 0.3, 0.4]);
  assert.deepEqual(r.perThreshold, [1 / 2, 1, 1, 0]);
  assert.deepEqual(r.best, { iou: 1, threshold: 0.2 });
});

test('binarizeMask: 128 is inside, 127 is not', () => {
  assert.deepEqual([...binarizeMask([127, 128, 129, 0, 255])], [0, 1, 1, 0, 1]);
  assert.deepEqual([...binarizeMask(Uint8Array.of(128))], [1]);
});
