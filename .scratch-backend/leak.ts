import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10 }));
  const x = tf.randomUniform([16, 32, 32, 3]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32'), 10);
  const opt = tf.train.adam(1e-3);
  const heap = () => ((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 1e6).toFixed(1);
  for (let i = 0; i < 200; i++) {
    tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor), true)!).dispose();
    if (i % 40 === 0) console.log(i, 'heap MB', heap(), 'tensors', tf.memory().numTensors, 'bytes', tf.memory().numBytes);
  }
  console.log('end heap MB', heap(), 'tensors', tf.memory().numTensors);
}
main();
