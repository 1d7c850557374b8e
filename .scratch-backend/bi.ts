import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  const x = tf.randomNormal([8, 112, 112, 32]) as tf.Tensor4D; const w = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
  const y = tf.conv2d(x, w, 2, 'same'); const dy = tf.randomNormal(y.shape);
  const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape };
  for (let i = 0; i < 2; i++) (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor).dispose();
  const p = await tf.profile(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor);
  for (const k of p.kernels) console.log(String(await k.kernelTimeMs).slice(0, 6).padStart(8), k.name, JSON.stringify(k.inputShapes));
  const t0 = performance.now(); for (let i = 0; i < 3; i++) { const r = tf.conv2d(x, w, 2, 'same'); r.dataSync(); r.dispose(); } console.log('forward conv ms', ((performance.now() - t0) / 3).toFixed(1));
  const big = tf.randomNormal([2, 2, 8, 56, 56, 32]);
  for (const perm of [[2, 3, 0, 4, 1, 5], [0, 1, 2, 3, 5, 4], [2, 0, 1, 3, 4, 5]]) { const t1 = performance.now(); const r = tf.transpose(big, perm); r.dataSync(); console.log('transpose', perm.join(''), (performance.now() - t1).toFixed(1)); r.dispose(); }
  const b5 = tf.randomNormal([8 * 56, 2, 56, 2, 32]);
  { const t1 = performance.now(); const r = tf.transpose(b5, [0, 1, 2, 3, 4]); r.dataSync(); console.log('t5 identity', (performance.now() - t1).toFixed(1)); }
  const a4 = tf.randomNormal([4, 8 * 56, 56, 32]);
  { const t1 = performance.now(); const r = tf.transpose(a4, [1, 0, 2, 3]); r.dataSync(); console.log('t4 1023', (performance.now() - t1).toFixed(1)); }
  const a3 = tf.randomNormal([2, 8 * 56 * 56, 32]);
  { const t1 = performance.now(); const r = tf.transpose(a3, [1, 0, 2]); r.dataSync(); console.log('t3 102', (performance.now() - t1).toFixed(1)); }
}
main();
