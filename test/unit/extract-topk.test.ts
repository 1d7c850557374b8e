/**
 * The per-feature top-k images (the images a feature's visual is built from) are ranked by the
 * feature's peak response (max over space), not by its energy (the feature-vector entry): on a
 * tiny model whose two rankings differ, extractFeatures keeps the peak ranking, whatever the batch.
 * Then the edges of extraction: skipped files inside batches (row offsets of labels, predictions,
 * the sink and the top-k images; progress), a class lost to skipped files, and where non-finite
 * values are located (which row, which layer first, or only the class probabilities).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { scanDataset } from '../../src/engine/data';
import type { DatasetItem } from '../../src/engine/data';
import { extractFeatures } from '../../src/engine/features/extract-features';
import { locateNonFinite } from '../../src/engine/features/non-finite';
import { loadModel, saveLayersModel } from '../../src/engine/model';
import type { VebiModel } from '../../src/engine/model';
import { useBackend } from '../helpers/backend';
import { makeImageFolder } from '../helpers/make-image-folder';
import { rejectsWith } from '../helpers/rejects-with';
import type { ProgressEvent } from '../../src/shared/progress';

let tmp: string;
before(async () => {
  await useBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-extract-topk-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/**
 * 4 x 4 x 1 -> conv1 (1x1, two channels: channel 0 = the pixel, channel 1 = the constant 1)
 * -> flatten -> dense softmax. conv1 is the only feature layer (m = 2).
 */
async function twoChannelModel(dir: string): Promise<VebiModel> {
  const net = tf.sequential({ name: 'two_channels' });
  net.add(tf.layers.conv2d({ name: 'conv1', inputShape: [4, 4, 1], filters: 2, kernelSize: 1 }));
  net.add(tf.layers.flatten({ name: 'flat' }));
  net.add(tf.layers.dense({ name: 'scores', units: 2, activation: 'softmax' }));
  const weights = [tf.tensor4d([1, 0], [1, 1, 1, 2]), tf.tensor1d([0, 1]), tf.fill([32, 2], 0.01), tf.zeros([2])];
  net.setWeights(weights);
  tf.dispose(weights);
  const modelPath = await saveLayersModel(net, dir);
  net.dispose();
  return loadModel(modelPath);
}

const SPIKE_AT = 5;

/**
 * Row order after the scan (class 0's two images, then class 1's):
 *   0 spike: one pixel 255 at SPIKE_AT, the rest 0   peak 1.000  energy 1
 *   1 flat 128                                        peak 0.502  energy 16 x 0.502^2 = 4.03
 *   2 flat 77                                         peak 0.302  energy 16 x 0.302^2 = 1.46
 *   3 black                                           peak 0      energy 0
 * Channel 0, by peak: 0, 1; by energy: 1, 2. Channel 1 (constant 1): every peak ties at 1 (earlier
 * image first: 0, 1); its L1-normalised energy 16 / (16 + energy0) ranks 3, 0 first.
 */
function draw(label: number, index: number): Uint8Array {
  const px = new Uint8Array(16);
  const row = label * 2 + index;
  if (row === 0) px[SPIKE_AT] = 255;
  if (row === 1) px.fill(128);
  if (row === 2) px.fill(77);
  return px;
}

test('top-k images per feature follow the peak response, not the energy, with the peak position', async () => {
  const model = await twoChannelModel(path.join(tmp, 'model'));
  const folder = await makeImageFolder(path.join(tmp, 'data'), { classes: 2, perClass: 2, size: 4, channels: 1, draw });
  const { items } = await scanDataset(folder.root);
  assert.equal(items.length, 4);
  const tensors = tf.memory().numTensors;
  try {
    for (const batchSize of [1, 3, 4]) {
      for (const l2Normalize of [true, false]) {
        const energies: number[][] = [];
        const result = await extractFeatures(model, items, {
          preprocessing: { kind: 'unit' },
          batchSize,
          topK: 2,
          l2Normalize,
          onBadFile: 'fail',
          onVectors: (rows) => {
            for (let i = 0; i < rows.length; i += 2) energies.push([rows[i], rows[i + 1]]);
          },
        });
        const what = `batch ${batchSize}, l2 ${l2Normalize}`;
        assert.equal(result.count, 4, what);
        assert.equal(result.topK.featureCount, 2);
        // The fixture really separates the two rankings: by energy, channel 0 would pick images 1, 2.
        const byEnergy = (f: number) => [0, 1, 2, 3].sort((a, b) => energies[b][f] - energies[a][f] || a - b).slice(0, 2);
        assert.deepEqual(byEnergy(0), [1, 2], what);
        assert.deepEqual(byEnergy(1), [3, 0], what);

        const channel0 = result.topK.top(0);
        assert.deepEqual(channel0.map((e) => e.image), [0, 1], `channel 0 by peak, ${what}`);
        assert.ok(Math.abs(channel0[0].response - 1) < 1e-6, `the spike's peak response is 1, ${what}: ${channel0[0].response}`);
        assert.ok(Math.abs(channel0[1].response - 128 / 255) < 1e-6, `${what}: ${channel0[1].response}`);
        assert.equal(channel0[0].position, SPIKE_AT, 'where the spike is');
        const channel1 = result.topK.top(1);
        assert.deepEqual(channel1.map((e) => e.image), [0, 1], `channel 1: equal peaks keep the earlier images, ${what}`);
        assert.deepEqual(channel1.map((e) => e.response), [1, 1]);
        assert.deepEqual(channel1.map((e) => e.position), [0, 0]);
        assert.equal(tf.memory().numTensors, tensors, `no tensor left behind, ${what}`);
      }
    }
  } finally {
    model.dispose();
  }
});

/** Saves a Sequential net (weights in `net.getWeights()` order) and loads it as a VebiModel. */
async function loadNet(net: tf.Sequential, weights: tf.Tensor[], dir: string): Promise<VebiModel> {
  net.setWeights(weights);
  tf.dispose(weights);
  const modelPath = await saveLayersModel(net, dir);
  net.dispose();
  return loadModel(modelPath);
}

/** 4 x 4 x 1 -> conv1 (1x1, the pixel) -> flatten -> dense softmax: class 1 when the mean pixel is above 0.5 (unit preprocessing). m = 1. */
function brightnessModel(dir: string): Promise<VebiModel> {
  const net = tf.sequential({ name: 'brightness' });
  net.add(tf.layers.conv2d({ name: 'conv1', inputShape: [4, 4, 1], filters: 1, kernelSize: 1 }));
  net.add(tf.layers.flatten({ name: 'flat' }));
  net.add(tf.layers.dense({ name: 'scores', units: 2, activation: 'softmax' }));
  const scores = tf.tensor2d(Array.from({ length: 32 }, (_, i) => i % 2), [16, 2]);
  return loadNet(net, [tf.ones([1, 1, 1, 1]), tf.zeros([1]), scores, tf.tensor1d([0, -8])], dir);
}

const black = () => new Uint8Array(16);
const white = () => new Uint8Array(16).fill(255);

test('skipped files inside batches: labels, predictions, the sink and the top-k images keep their rows; progress counts every file', async () => {
  const model = await brightnessModel(path.join(tmp, 'brightness-model'));
  // Class 0: black, BROKEN, black, white; class 1: white, black, BROKEN, black.
  const shades = [
    [black, white, black, white],
    [white, black, white, black],
  ];
  const folder = await makeImageFolder(path.join(tmp, 'skips'), { classes: 2, perClass: 4, size: 4, channels: 1, draw: (label, index) => shades[label][index]() });
  const broken = [path.join(folder.root, '0', 'img-0001.png'), path.join(folder.root, '1', 'img-0002.png')];
  await Promise.all(broken.map((file) => fs.writeFile(file, 'not a png')));
  const { items } = await scanDataset(folder.root);
  assert.equal(items.length, 8);
  const good = items.filter((item) => !broken.includes(item.path));
  const tensors = tf.memory().numTensors;
  try {
    for (const batchSize of [2, 3, 8]) {
      const what = `batch ${batchSize}`;
      const sink: { rows: number; labels: number[]; predictions: number[] }[] = [];
      const progress: ProgressEvent[] = [];
      const result = await extractFeatures(model, items, {
        preprocessing: { kind: 'unit' },
        batchSize,
        topK: 2,
        l2Normalize: false,
        onBadFile: 'skip',
        onVectors: (rows, labels, predictions) => sink.push({ rows: rows.length, labels: [...labels], predictions: [...predictions] }),
        onProgress: (event) => progress.push(event),
      });
      assert.equal(result.count, 6, what);
      assert.deepEqual(result.items.map((item) => item.path), good.map((item) => item.path), what);
      assert.deepEqual(result.skipped.map((s) => s.path), broken, what);
      assert.deepEqual([...result.labels], [0, 0, 0, 1, 1, 1], `labels in row order, ${what}`);
      assert.deepEqual([...result.predictions], [0, 0, 1, 1, 0, 0], `predictions (bright = class 1) in row order, ${what}`);
      assert.deepEqual(sink.map((b) => b.rows), sink.map((b) => b.labels.length), `one feature per row (m = 1), ${what}`);
      assert.deepEqual(sink.flatMap((b) => b.labels), [0, 0, 0, 1, 1, 1], `the sink gets each batch's labels, ${what}`);
      assert.deepEqual(sink.flatMap((b) => b.predictions), [0, 0, 1, 1, 0, 0], `the sink gets each batch's predictions, ${what}`);
      assert.deepEqual(
        result.topK.top(0).map((e) => e.image),
        [2, 3],
        `the white images are rows 2 and 3 once the broken file is out, ${what}`,
      );
      const done = progress.map((p) => p.done ?? -1);
      assert.equal(done.at(-1), 8, `progress ends at every file, skipped ones included, ${what}: ${done.join(' ')}`);
      assert.ok(done.every((d, i) => d > (done[i - 1] ?? 0) && d <= 8), `progress grows, ${what}: ${done.join(' ')}`);
      assert.equal(tf.memory().numTensors, tensors, `no tensor left behind, ${what}`);
    }
  } finally {
    model.dispose();
  }
});

test('a class lost to skipped files: DATA_EMPTY_CLASS counts and quotes that folder\'s files only', async () => {
  const model = await brightnessModel(path.join(tmp, 'brightness-lost'));
  const folder = await makeImageFolder(path.join(tmp, 'lost'), { classes: 2, perClass: 3, size: 4, channels: 1, draw: black });
  const otherBroken = path.join(folder.root, '0', 'img-0001.png');
  await fs.writeFile(otherBroken, 'not a png');
  const lost = folder.files.filter((f) => f.label === 1).map((f) => f.path);
  await Promise.all(lost.map((file) => fs.writeFile(file, 'not a png either')));
  const { items } = await scanDataset(folder.root);
  try {
    const e = await rejectsWith(
      () => extractFeatures(model, items, { preprocessing: { kind: 'unit' }, batchSize: 2, topK: 2, l2Normalize: true, onBadFile: 'skip' }),
      'DATA_EMPTY_CLASS',
      path.join(folder.root, '1'),
    );
    assert.match(e.message, /all 3 were skipped/);
    assert.ok(e.message.includes(`(the first: `) && e.message.includes(lost[0]), `the first failure of that folder is quoted: ${e.message}`);
    assert.ok(!e.message.includes(otherBroken), `not a file of another class: ${e.message}`);
  } finally {
    model.dispose();
  }
});

/**
 * 4 x 4 x 1 -> conv1 (1x1, the pixel) -> conv2 (1x1, two channels, 1e10 x the pixel) -> flatten ->
 * dense softmax (+1e30 / -1e30). Pixel 1: features finite, class scores +-Inf (NaN probabilities);
 * 1e10: conv2's squares overflow; 1e20: conv1's too.
 */
function overflowModel(dir: string): Promise<VebiModel> {
  const net = tf.sequential({ name: 'overflow' });
  net.add(tf.layers.conv2d({ name: 'conv1', inputShape: [4, 4, 1], filters: 1, kernelSize: 1 }));
  net.add(tf.layers.conv2d({ name: 'conv2', filters: 2, kernelSize: 1 }));
  net.add(tf.layers.flatten({ name: 'flat' }));
  net.add(tf.layers.dense({ name: 'scores', units: 2, activation: 'softmax' }));
  const scores = tf.tensor2d(Array.from({ length: 64 }, (_, i) => (i % 2 ? -1e30 : 1e30)), [32, 2]);
  return loadNet(net, [tf.ones([1, 1, 1, 1]), tf.zeros([1]), tf.fill([1, 1, 1, 2], 1e10), tf.zeros([2]), scores, tf.zeros([2])], dir);
}

/** A batch of 4 x 4 images, each filled with one value. */
const filled = (...pixels: number[]) => tf.tensor4d(pixels.flatMap((p) => Array<number>(16).fill(p)), [pixels.length, 4, 4, 1]);

test('locating non-finite values: the first bad row, the first layer in the model\'s order, else the class probabilities', async () => {
  const model = await overflowModel(path.join(tmp, 'overflow-model'));
  const tensors = tf.memory().numTensors;
  const locate = (m: VebiModel, ...pixels: number[]) => {
    const x = filled(...pixels);
    try {
      return locateNonFinite(m, x);
    } finally {
      x.dispose();
    }
  };
  try {
    assert.equal(locate(model, 0, 1e-32, 0), undefined, 'all finite (class scores +-3.2e9)');
    assert.deepEqual(locate(model, 0, 0, 1e10, 1e10), { layer: 'conv2', row: 2 }, 'conv2 (two channels) from row 2 on');
    assert.deepEqual(locate(model, 0, 1e20), { layer: 'conv1', row: 1 }, 'both layers: the first one is named');
    assert.deepEqual(locate(model, 0, 1, 0), { row: 1 }, 'only the class probabilities, from row 1');
    assert.deepEqual(locate(model, 1), { row: 0 }, 'only the class probabilities, in row 0');
    // Feature-vector order need not be the model's: the layer named is still the first one the image goes through.
    const reordered = Object.assign(Object.create(model) as VebiModel, { featureLayers: ['conv2', 'conv1'] });
    assert.deepEqual(locate(reordered, 0, 1e20, 0), { layer: 'conv1', row: 1 });
    assert.deepEqual(locate(reordered, 0, 0, 1e10), { layer: 'conv2', row: 2 });
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  } finally {
    model.dispose();
  }
});

test('extraction: non-finite class probabilities in the first batch stop the run, naming the image (features all finite)', async () => {
  const model = await overflowModel(path.join(tmp, 'overflow-extract'));
  const folder = await makeImageFolder(path.join(tmp, 'bw'), { classes: 2, perClass: 2, size: 4, channels: 1, draw: (label, index) => (label === 1 && index === 1 ? white() : black()) });
  const { items }: { items: DatasetItem[] } = await scanDataset(folder.root);
  const tensors = tf.memory().numTensors;
  try {
    for (const batchSize of [4, 8]) {
      const rows: Float32Array[] = [];
      const e = await rejectsWith(
        () => extractFeatures(model, items, { preprocessing: { kind: 'unit' }, batchSize, topK: 2, l2Normalize: true, onBadFile: 'fail', onVectors: (r) => rows.push(r.slice()) }),
        'NON_FINITE',
        items[3].path,
      );
      assert.match(e.message, /non-finite class probabilities/);
      assert.ok(e.message.includes(`on image ${items[3].path}`), e.message);
      assert.equal(rows.length, 0, 'nothing reached the sink');
      assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind after the error');
    }
  } finally {
    model.dispose();
  }
});
