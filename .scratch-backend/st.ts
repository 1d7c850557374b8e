import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
async function main() {
  await selectBackend('wasm');
  const a = tf.randomNormal([8, 56, 56, 32]); const b = tf.randomNormal([8, 56, 56, 32]);
  for (let i = 0; i < 3; i++) {
    let t = performance.now(); const s3 = tf.stack([a, b], 3); s3.dataSync(); const m3 = performance.now() - t;
    const r = tf.reshape(s3, [8, 56, 112, 32]);
    t = performance.now(); const s2 = tf.stack([r, r], 2); s2.dataSync(); const m2 = performance.now() - t;
    const c = tf.randomNormal([8, 28, 28, 64]);
    t = performance.now(); const s3b = tf.stack([c, c], 3); s3b.dataSync(); const m3b = performance.now() - t;
    console.log('stack axis3', m3.toFixed(1), 'stack axis2', m2.toFixed(1), 'small axis3', m3b.toFixed(1));
    tf.dispose([s3, s2, c, s3b]);
  }
}
main();
