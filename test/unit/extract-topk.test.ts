/**
 * The per-feature top-k images (the images a feature's visual is built from) are ranked by the
 * feature's peak response (max over space), not by its energy (the feature-vector entry): on a
 * tiny model whose two rankings differ, extractFeatures keeps the peak ranking, whatever the batch.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { scanDataset } from '../../src/engine/data';
import { extractFeatures } from '../../src/engine/features/extract-features';
import { loadModel, saveLayersModel } from '../../src/engine/model';
import type { VebiModel } from '../../src/engine/model';
import { useBackend } from '../helpers/backend';
import { makeImageFolder } from '../helpers/make-image-folder';

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
