import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  for (const [shape, f, s] of [[[8, 56, 56, 64], 3, 2]] as [number[], number, number][]) {
    const x = tf.randomNormal(shape) as tf.Tensor4D;
    const y = tf.maxPool(x, f, s, 'same'); const dy = tf.randomNormal(y.shape);
    tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: f, strides: s, pad: 'same' });
    const p = await tf.profile(() => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: f, strides: s, pad: 'same' }) as tf.Tensor);
    const agg = new Map<string, number>();
    for (const k of p.kernels) { const t = await k.kernelTimeMs; const key = k.name + ' ' + JSON.stringify(k.inputShapes); agg.set(key, (agg.get(key) ?? 0) + (typeof t === 'number' ? t : 0)); }
    for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(v.toFixed(1).padStart(8), k);
  }
}
main();
