/**
 * A small model really trained (on the wasm backend, with the engine's own gradient kernels) on a
 * generated 3-class image folder, saved as a TF.js model: the fixture of the pipeline tests.
 * Built once per test process in a temp folder.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decodeImage, preprocess } from '../../src/engine/data';
import { saveLayersModel } from '../../src/engine/model/save-layers-model';
import { makeImageFolder } from './make-image-folder';
import { useBackend } from './backend';

export interface TrainedFixture {
  root: string;
  modelPath: string;
  dataDir: string;
  classes: string[];
  trainAccuracy: number;
}

export const FIXTURE_SIZE = 16;
let pending: Promise<TrainedFixture> | undefined;

export function trainedFixture(): Promise<TrainedFixture> {
  pending ??= build();
  return pending;
}

/** Seeded initialisers and no shuffling: the same trained model, and so the same results, every run. */
function buildNet(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'conv_a', inputShape: [FIXTURE_SIZE, FIXTURE_SIZE, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool_a', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv_b_stride2', filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }));
  model.add(tf.layers.activation({ name: 'relu_b', activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'scores', units: 3, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

async function build(): Promise<TrainedFixture> {
  await useBackend('wasm');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fixture-'));
  const folder = await makeImageFolder(path.join(root, 'data'), { classes: 3, perClass: 20, size: FIXTURE_SIZE, channels: 3, seed: 5 });
  const shape = { height: FIXTURE_SIZE, width: FIXTURE_SIZE, channels: 3 as const };
  const inputs = await Promise.all(folder.files.map(async (file) => preprocess(await decodeImage(file.path, shape), 3, { kind: 'unit' })));
  const x = tf.stack(inputs.map((input) => tf.tensor3d(input, [FIXTURE_SIZE, FIXTURE_SIZE, 3])));
  const y = tf.oneHot(tf.tensor1d(folder.files.map((f) => f.label), 'int32'), 3);
  const model = buildNet();
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 25, batchSize: 16, shuffle: false, verbose: 0 });
  const accuracies = history.history.acc as number[];
  const modelDir = path.join(root, 'model');
  await saveLayersModel(model, modelDir);
  tf.dispose([x, y]);
  model.dispose();
  return { root, modelPath: path.join(modelDir, 'model.json'), dataDir: folder.root, classes: folder.classes, trainAccuracy: accuracies[accuracies.length - 1] };
}
