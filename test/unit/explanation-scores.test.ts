/**
 * Explanation step 2 and the absent-evidence list (method.md section 4, steps 2 and 6) with values
 * computed by hand: score_f = x_f * W[f,c] / sum_f' W[f',c] (the division matters: W's column does
 * not sum to 1), and the absent list = the ABSENT_CHECKED most negative signed weights of the class,
 * most negative first, each flagged when it fires at >= ABSENT_FLAG_RATIO of its best training response.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/engine';
import { ABSENT_CHECKED, ABSENT_FLAG_RATIO, computeExplanation, relevantFeatures, topScoringFeatures, type ExplanationWeights } from '../../src/engine/explain/compute-explanation';
import { featureVectors } from '../../src/engine/features/feature-vector';
import { FeatureTable } from '../../src/engine/interpret/feature-table';
import type { VebiModel } from '../../src/engine/model/types';
import { useBackend } from '../helpers/backend';
import { seededRandom } from '../helpers/seeded-random';
import { writeTinyModel } from '../helpers/tiny-models';

/** m features x C classes, row-major W[f * C + c]; features named f0, f1, ... on one layer. */
function handWeights(nonNegative: number[], signed: number[], numClasses: number): ExplanationWeights {
  const m = nonNegative.length / numClasses;
  return {
    nonNegative: Float32Array.from(nonNegative),
    signed: Float32Array.from(signed),
    peakResponses: new Float32Array(m).fill(1),
    numClasses,
    feature: (index) => ({ index, layer: 'layer', channel: index }),
    l2Normalize: true,
  };
}

describe('topScoringFeatures (step 2), by hand', () => {
  // 5 features, 2 classes. Class 1's column: W = (0.5, 0, 2, 1, 0.5), sum 4.
  // Class 0's column (1, 1, 0, 0, 0) is there to catch a read of the wrong column.
  const nonNegative = [
    1, 0.5,
    1, 0,
    0, 2,
    0, 1,
    0, 0.5,
  ];
  const weights = handWeights(nonNegative, new Array(10).fill(0), 2);
  // x = (0.5, 0.9, 0.25, 0.75, 0): scores x_f W_f / 4 = (0.0625, 0, 0.125, 0.1875, 0).
  const xf = Float32Array.from([0.5, 0.9, 0.25, 0.75, 0]);

  it('score = x_f * W[f,c] / sum_f W[f,c]; only score > 0; highest first', () => {
    const top = topScoringFeatures(xf, weights, 1, 10);
    assert.deepEqual(
      top.map((f) => [f.index, f.score, f.weight]),
      [
        [3, 0.1875, 1],
        [2, 0.125, 2],
        [0, 0.0625, 0.5],
      ],
    );
    // The scores of all candidates add up to x'W / sum W = 1.5 / 4.
    const sum = top.reduce((s, f) => s + f.score, 0);
    assert.equal(sum, (0.5 * 0.5 + 0.25 * 2 + 0.75 * 1) / 4);
    assert.deepEqual(top[0], { index: 3, layer: 'layer', channel: 3, score: 0.1875, weight: 1 });
  });

  it('keeps the top p (fewer if fewer qualify)', () => {
    assert.deepEqual(topScoringFeatures(xf, weights, 1, 2).map((f) => f.index), [3, 2]);
    assert.deepEqual(topScoringFeatures(xf, weights, 1, 1).map((f) => f.score), [0.1875]);
  });

  it('class 0: its own column and its own sum (2)', () => {
    // W = (1, 1, 0, 0, 0): scores (0.25, 0.45, 0, 0, 0).
    const top = topScoringFeatures(xf, weights, 0, 3);
    assert.deepEqual(top.map((f) => [f.index, f.score]), [
      [1, Math.fround(0.9) / 2],
      [0, 0.25],
    ]);
  });

  it('the division is by the column sum even when it is far from 1', () => {
    // One feature, W = 8: score = x W / W = x, whatever W is.
    const single = handWeights([8], [0], 1);
    assert.deepEqual(topScoringFeatures(Float32Array.from([0.75]), single, 0, 3).map((f) => f.score), [0.75]);
    const small = handWeights([0.125, 0.125], [0, 0], 1);
    assert.deepEqual(topScoringFeatures(Float32Array.from([0.5, 0.25]), small, 0, 3).map((f) => f.score), [0.25, 0.125]);
  });

  it('a class with no positive weight has no candidates', () => {
    const none = handWeights([0, 0, 0], [0, 0, 0], 1);
    assert.deepEqual(topScoringFeatures(Float32Array.from([1, 1, 1]), none, 0, 3), []);
  });
});

describe('computeExplanation: the absent list and the scores on a tiny model', () => {
  let dir: string;
  let model: VebiModel;
  let input: Float32Array;

  before(async () => {
    await useBackend('wasm');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-explanation-scores-'));
    model = await loadModel(await writeTinyModel(dir));
    const rand = seededRandom(11);
    input = Float32Array.from({ length: 16 * 16 }, rand);
  });

  after(async () => {
    model?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('absent = the 5 most negative signed weights of the class, most negative first; flagged at >= 50% of the training peak', () => {
    assert.equal(ABSENT_CHECKED, 5);
    assert.equal(ABSENT_FLAG_RATIO, 0.5);
    const m = model.featureCount;
    const C = model.numClasses;
    const table = new FeatureTable(model.layers);
    const classIndex = 1;
    const feature = (i: number) => table.at(i);

    // The image's own peaks, to set the training peaks relative to them.
    const x = tf.tensor4d(input, [1, 16, 16, 1]);
    const probe: ExplanationWeights = { nonNegative: new Float32Array(m * C), signed: new Float32Array(m * C), peakResponses: new Float32Array(m).fill(1), numClasses: C, feature, l2Normalize: true };
    const { peaks } = relevantFeatures(model, probe, x, 3, { classIndex });
    x.dispose();
    const firing: number[] = [];
    for (let f = 0; f < m; f++) if (peaks[f] > 0) firing.push(f);
    assert.ok(firing.length >= 8, `only ${firing.length} features fire`);

    // Seven negative weights for class 1 (the other classes' weights, all -5, must not count):
    // feature firing[k] gets signed weight -values[k].
    const values = [0.1, 0.7, 0.05, 0.3, 0.9, 0.2, 0.5];
    const signed = new Float32Array(m * C);
    for (let f = 0; f < m; f++) for (let c = 0; c < C; c++) if (c !== classIndex) signed[f * C + c] = -5;
    for (let k = 0; k < values.length; k++) signed[firing[k] * C + classIndex] = -values[k];
    signed[firing[7] * C + classIndex] = 0.8; // positive: evidence that must be present, not absent
    // Most negative first: -0.9 (k=4), -0.7 (k=1), -0.5 (k=6), -0.3 (k=3), -0.2 (k=5); -0.1 and -0.05 are left out.
    const expected = [4, 1, 6, 3, 5].map((k) => firing[k]);

    // Training peaks: feature firing[4] fired at 2x this image's peak (relative 0.5: flagged, the boundary),
    // firing[1] at 4x (0.25: not flagged), firing[6] at the same (1: flagged), firing[3] never (0: not flagged).
    const peakResponses = new Float32Array(m).fill(1);
    peakResponses[firing[4]] = peaks[firing[4]] * 2;
    peakResponses[firing[1]] = peaks[firing[1]] * 4;
    peakResponses[firing[6]] = peaks[firing[6]];
    peakResponses[firing[3]] = 0;
    peakResponses[firing[5]] = peaks[firing[5]] * 1e6;

    // Non-negative weights of class 1 (sum 4) on three firing features, for the scores.
    const nonNegative = new Float32Array(m * C);
    nonNegative[firing[0] * C + classIndex] = 1;
    nonNegative[firing[2] * C + classIndex] = 2;
    nonNegative[firing[7] * C + classIndex] = 1;
    const weights: ExplanationWeights = { nonNegative, signed, peakResponses, numClasses: C, feature, l2Normalize: true };

    const baseline = tf.memory().numTensors;
    const explanation = computeExplanation(model, weights, input, { topFeatures: 3, stridedFix: true }, { classIndex });
    assert.equal(tf.memory().numTensors, baseline, 'tensors left behind');
    assert.equal(explanation.classIndex, classIndex);

    assert.deepEqual(explanation.absent.map((a) => a.index), expected);
    assert.deepEqual(
      explanation.absent.map((a) => a.weight),
      [0.9, 0.7, 0.5, 0.3, 0.2].map((v) => Math.fround(-v)),
    );
    for (const a of explanation.absent) assert.deepEqual({ layer: a.layer, channel: a.channel }, { layer: feature(a.index).layer, channel: feature(a.index).channel });
    const relative = explanation.absent.map((a) => a.relativeResponse);
    assert.ok(Math.abs(relative[0] - 0.5) < 1e-6 && Math.abs(relative[1] - 0.25) < 1e-6 && Math.abs(relative[2] - 1) < 1e-6, `relative responses ${relative}`);
    assert.equal(relative[3], 0, 'a feature that never fired in training has relative response 0');
    assert.ok(relative[4] < 1e-5);
    assert.deepEqual(
      explanation.absent.map((a) => a.flagged),
      [true, false, true, false, false],
    );
    // Only flagged absent features are localised.
    for (const a of explanation.absent) assert.equal(a.heatmap !== undefined, a.flagged, `feature ${a.index}`);

    // Scores: x_f * W[f,1] / 4 with x the image's feature vector (method.md section 1), computed apart.
    const vector = tf.tidy(() => {
      const { outputs, logits, probs } = model.forward(tf.tensor4d(input, [1, 16, 16, 1]), model.featureLayers);
      tf.dispose([logits, probs]);
      return featureVectors(outputs, true);
    });
    const xf = vector.dataSync() as Float32Array;
    vector.dispose();
    assert.equal(tf.memory().numTensors, baseline);
    const expectedScores = [0, 2, 7]
      .map((k) => firing[k])
      .map((f) => ({ index: f, score: (xf[f] * nonNegative[f * C + classIndex]) / 4 }))
      .sort((a, b) => b.score - a.score);
    assert.ok(expectedScores.every((e) => e.score > 0));
    assert.deepEqual(explanation.features.map((f) => f.index), expectedScores.map((e) => e.index));
    for (let i = 0; i < 3; i++) {
      const f = explanation.features[i];
      assert.ok(Math.abs(f.score - expectedScores[i].score) <= 1e-6 * expectedScores[i].score, `feature ${f.index}: score ${f.score} vs ${expectedScores[i].score}`);
      assert.equal(f.weight, nonNegative[f.index * C + classIndex]);
      assert.equal(f.response, peaks[f.index]);
    }

    // Fewer than 5 negative weights: only those are listed (a zero weight is no evidence of absence).
    const few = new Float32Array(m * C);
    few[firing[3] * C + classIndex] = -0.25;
    few[firing[0] * C + classIndex] = -0.5;
    const short = computeExplanation(model, { ...weights, signed: few }, input, { topFeatures: 3, stridedFix: true }, { classIndex });
    assert.deepEqual(short.absent.map((a) => [a.index, a.weight]), [[firing[0], -0.5], [firing[3], -0.25]]);
    assert.equal(tf.memory().numTensors, baseline, 'tensors left behind');
  });
});
