import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [96, 96, 3], filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 1, activation: 'relu' }));
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10 }));
  const x = tf.randomUniform([16, 96, 96, 3]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32'), 10);
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, m.apply(x, { training: true }) as tf.Tensor), true)!);
  for (let i = 0; i < 2; i++) step().dispose();
  const t0 = performance.now(); for (let i = 0; i < 3; i++) { const l = step(); l.dataSync(); l.dispose(); } console.log('step ms', ((performance.now() - t0) / 3).toFixed(1));
  const t1 = performance.now(); for (let i = 0; i < 3; i++) { const l = tf.tidy(() => m.predict(x) as tf.Tensor); l.dataSync(); l.dispose(); } console.log('forward ms', ((performance.now() - t1) / 3).toFixed(1));
  const p = await tf.profile(() => step());
  const agg = new Map<string, number>();
  for (const k of p.kernels) { const t = await k.kernelTimeMs; const key = k.name + ' ' + JSON.stringify(k.inputShapes); agg.set(key, (agg.get(key) ?? 0) + (typeof t === 'number' ? t : 0)); }
  for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(v.toFixed(1).padStart(8), k);
}
main();
