import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend((process.argv[2] ?? 'wasm') as 'wasm');
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10 }));
  const x = tf.randomUniform([32, 64, 64, 3]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10);
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor), true)!);
  const ig = () => tf.tidy(() => tf.grad((i: tf.Tensor) => tf.sum(tf.slice(model.apply(i) as tf.Tensor2D, [0, 3], [-1, 1])))(x));
  for (let i = 0; i < 2; i++) { step().dispose(); ig().dispose(); }
  for (const [name, f] of [['inputgrad', ig], ['train', step]] as const) {
    const p = await tf.profile(() => f());
    const agg = new Map<string, number>();
    for (const k of p.kernels) { const t = await k.kernelTimeMs; const key = k.name + ' ' + JSON.stringify(k.inputShapes); agg.set(key, (agg.get(key) ?? 0) + (typeof t === 'number' ? t : 0)); }
    console.log('==', name, [...agg.values()].reduce((a, b) => a + b, 0).toFixed(1));
    for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v.toFixed(1).padStart(8), k);
  }
}
main();
