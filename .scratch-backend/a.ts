import * as tf from '@tensorflow/tfjs';
import { selectBackend, describeBackend } from '../src/engine/backend/select-backend';
async function main() {
  console.log(await selectBackend('auto'), describeBackend());
  try { await selectBackend('tensorflow'); } catch (e) { console.log((e as Error).message, (e as {code?:string}).code); }
  console.log(tf.getBackend());
  // quick check: filter grad
  const x = tf.randomNormal([2, 7, 7, 3]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
  const f = (xx: tf.Tensor4D, ww: tf.Tensor4D) => tf.sum(tf.conv2d(xx, ww, 2, 'same'));
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D));
  const [gx, gw] = g([x, w]);
  const gwW = await gw.data(); const gxW = await gx.data();
  await tf.setBackend('cpu');
  const x2 = tf.tensor(await x.data(), x.shape) as tf.Tensor4D; const w2 = tf.tensor(await w.data(), w.shape) as tf.Tensor4D;
  // data from wasm tensors after switch: tf moves data.
  const [gx2, gw2] = g([x2, w2]);
  const a = await gw2.data(); const b = await gx2.data();
  let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - gwW[i]));
  let m2 = 0; for (let i = 0; i < b.length; i++) m2 = Math.max(m2, Math.abs(b[i] - gxW[i]));
  console.log('filter grad maxdiff', m, 'input grad maxdiff', m2);
}
main();
