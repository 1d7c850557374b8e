/**
 * A TF.js IOHandler (load side) for a model.json on disk that checks everything before tfjs sees
 * it: the JSON, the manifest, where each shard lives and how long it is. The save side for this
 * project's own models is saveLayersModel (re-exported here).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { parseModelJson, type ModelJson } from './model-json';
import { locateShards, readShards } from './weight-files';

export { saveLayersModel } from './save-layers-model';

/** Reads and checks a model.json file (not its shards). */
export async function readModelJson(file: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VebiError('MODEL_NOT_FOUND', `No model file at ${file}. Give the path of a TensorFlow.js model.json or of the folder that holds it.`, file);
    if (code === 'EISDIR') throw new VebiError('MODEL_NOT_FOUND', `${file} is a folder, not a model.json file. Give the model.json inside it.`, file);
    throw new VebiError('MODEL_NOT_FOUND', `Cannot read ${file} (${code ?? String(err)}). Check the path and its permissions.`, file);
  }
  return parseModelJson(text, file);
}

/**
 * Load-only IOHandler for `modelJsonPath`. Pass `parsed` when the caller has already read the
 * model.json, to avoid reading it twice.
 */
export function safeIOHandler(modelJsonPath: string, parsed?: ModelJson): tf.io.IOHandler {
  const file = path.resolve(modelJsonPath);
  const dir = path.dirname(file);
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = parsed ?? (await readModelJson(file));
      const shards = await locateShards(dir, json.weightsManifest, file);
      const data = await readShards(shards);
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      return tf.io.getModelArtifactsForJSON(json, async () => [specs, data]);
    },
  };
}
