/** Test helper: puts tfjs on a named backend (wasm by default, as on users' machines without tfjs-node). */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend/select-backend';
import type { BackendChoice } from '../../src/shared/params';

export async function useBackend(choice: BackendChoice = 'wasm'): Promise<string> {
  const name = await selectBackend(choice);
  await tf.ready();
  return name;
}
