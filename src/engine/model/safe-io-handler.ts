/**
 * A TF.js IOHandler (load side) for a model.json on disk that checks everything before tfjs sees
 * it: the JSON, the manifest, where each shard lives and how long it is. The save side for this
 * project's own models is saveLayersModel (re-exported here).
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LIMITS } from '../fs/safe-read';
import { readModelFile } from './model-file';
import { parseModelJson, type ModelJson } from './model-json';
import { locateShards, readShards } from './weight-files';

export { saveLayersModel } from './save-layers-model';

/** A model.json's bytes (for hashing) and its checked content; not its shards. */
export async function readModelJsonFile(file: string): Promise<{ bytes: Buffer; json: ModelJson }> {
  const bytes = await readModelFile(file, LIMITS.jsonBytes);
  // A leading byte-order mark removed: Windows editors write one.
  return { bytes, json: parseModelJson(bytes.toString('utf8').replace(/^\uFEFF/, ''), file) };
}

/** Reads and checks a model.json file (not its shards). */
export async function readModelJson(file: string): Promise<ModelJson> {
  return (await readModelJsonFile(file)).json;
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
