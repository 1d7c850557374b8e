/**
 * Trains the example LeNet-style CNN on the real MNIST training set with this project's engine
 * (wasm backend by default) and saves it as a TF.js Layers model with its preprocessing sidecar.
 *
 *   node --import tsx scripts/train-mnist.ts [--out examples/mnist-lenet] [--epochs 3] [--backend wasm]
 *
 * The network has a stride-2 convolution on purpose: the paper's strided-convolution fix then
 * matters for its explanations.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
import { saveLayersModel } from '../src/engine/model/save-layers-model';
import type { BackendChoice } from '../src/shared/params';
import { readMnist } from './mnist';

export function buildLeNet(): tf.Sequential {
  const model = tf.sequential({ name: 'mnist_lenet' });
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2_stride2', filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.conv2d({ name: 'conv3', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'fc1', units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ name: 'predictions', units: 10, activation: 'softmax' }));
  return model;
}

function toTensors(set: { images: Uint8Array; labels: Uint8Array; count: number }): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.div(tf.tensor4d(set.images, [set.count, 28, 28, 1], 'float32'), 255) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d(set.labels, 'int32'), 10).toFloat() as tf.Tensor2D,
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: 'examples/mnist-lenet' }, epochs: { type: 'string', default: '3' }, backend: { type: 'string', default: 'wasm' } },
  });
  const backend = await selectBackend(values.backend as BackendChoice);
  const started = Date.now();
  const train = toTensors(readMnist('train'));
  const test = toTensors(readMnist('test'));
  const model = buildLeNet();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const epochs = Number(values.epochs);
  await model.fit(train.x, train.y, {
    epochs,
    batchSize: 64,
    shuffle: true,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        process.stderr.write(`epoch ${epoch + 1}/${epochs}: loss ${logs?.loss?.toFixed(4)} accuracy ${logs?.acc?.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      },
    },
  });
  const [, accuracy] = model.evaluate(test.x, test.y, { batchSize: 256 }) as tf.Scalar[];
  const testAccuracy = (await accuracy.data())[0];
  const out = path.resolve(values.out as string);
  const summary = { backend, epochs, batchSize: 64, trainImages: 60000, testImages: 10000, testAccuracy, trainSeconds: (Date.now() - started) / 1000 };
  const sidecar = { preprocessing: 'unit', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], _training: summary };
  await saveLayersModel(model, out, [{ name: 'vebi.json', data: `${JSON.stringify(sidecar, null, 2)}\n` }]);
  process.stdout.write(`Saved ${out}: test accuracy ${(100 * testAccuracy).toFixed(2)}% after ${summary.trainSeconds.toFixed(0)} s on ${backend}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
