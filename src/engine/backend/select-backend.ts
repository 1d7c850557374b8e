/**
 * Picks the tfjs backend at run time: tfjs-node when it loads, else wasm (SIMD), else cpu.
 * PLACEHOLDER until the backend module lands: wasm or cpu only.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName } from '../../shared/params';

export async function selectBackend(choice: BackendChoice): Promise<BackendName> {
  const name: BackendName = choice === 'cpu' ? 'cpu' : 'wasm';
  await tf.setBackend(name);
  await tf.ready();
  return name;
}
