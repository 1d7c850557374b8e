/**
 * Two jobs of the engine process select the backend at the same time (an Interpret replaced by
 * another, an inspect during a run): the second must not use the WebAssembly module while the first
 * is still starting it ("WASM backend not initialized", seen in the code-server e2e run).
 * Its own file: the backend must not have been started before in this process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine';

test('concurrent backend selections all wait for the one start, then compute', { timeout: 60_000 }, async () => {
  const chosen = await Promise.all([selectBackend('wasm'), selectBackend('wasm'), selectBackend('auto'), selectBackend('wasm')]);
  assert.deepEqual(new Set(chosen).size, 1, `every call ends on the same backend: ${chosen.join(', ')}`);
  assert.equal(tf.getBackend(), chosen[0]);
  const product = tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).sum().dataSync()[0]);
  assert.equal(product, 512);
});

test('a job computing while another selects the backend again is not disturbed', { timeout: 60_000 }, async () => {
  await selectBackend('wasm');
  const [sum] = await Promise.all([
    (async () => {
      const x = tf.ones([64, 64]);
      const y = tf.matMul(x, x);
      const value = (await y.sum().data())[0];
      tf.dispose([x, y]);
      return value;
    })(),
    selectBackend('wasm'),
  ]);
  assert.equal(sum, 64 * 64 * 64);
});
