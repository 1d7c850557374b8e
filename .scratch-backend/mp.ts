import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  const x = tf.relu(tf.randomNormal([32, 64, 64, 16])) as tf.Tensor4D;
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.randomNormal(y.shape);
  const orig = tf.getKernel('MaxPoolGrad', 'wasm')!;
  const run = () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
  for (const label of ['ours', 'ours']) {
    const ts: number[] = [];
    for (let i = 0; i < 8; i++) { const t0 = performance.now(); const r = run(); await r.data(); ts.push(performance.now() - t0); r.dispose(); }
    console.log(label, ts.map((t) => t.toFixed(1)).join(' '));
  }
  void orig;
  const ts2: number[] = [];
  for (let i = 0; i < 8; i++) { const t0 = performance.now(); const r = tf.relu(x); await r.data(); ts2.push(performance.now() - t0); r.dispose(); }
  console.log('relu', ts2.map((t) => t.toFixed(1)).join(' '));
  const ts3: number[] = [];
  for (let i = 0; i < 8; i++) { const t0 = performance.now(); const r = tf.transpose(tf.reshape(x, [32,32,2,32,2,16]), [0,1,3,5,2,4]); await r.data(); ts3.push(performance.now() - t0); r.dispose(); }
  console.log('transpose6', ts3.map((t) => t.toFixed(1)).join(' '));
}
main();
