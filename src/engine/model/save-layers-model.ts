/**
 * Saves a tf.LayersModel as model.json + group1-shard1of1.bin, written atomically, for the
 * project's own training script and test fixtures (tfjs-node's file:// saver is not available).
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFilesAtomically } from '../fs/atomic-folder';
import { checkOutputTarget } from '../fs/output-target';
import type { FolderFile } from '../fs/atomic-folder';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

/**
 * Writes `model` to `dir` (created or replaced as a whole) with optional extra files such as the
 * vebi.json sidecar; returns the path of model.json.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string, extraFiles: FolderFile[] = []): Promise<string> {
  const target = path.resolve(dir);
  // The atomic writer refuses a folder VEBI did not write (a model folder it saved is recognised by its files).
  await checkOutputTarget(target, { kind: 'model' });
  let files: FolderFile[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      files = [
        { name: WEIGHTS_FILE, data: weights },
        { name: 'model.json', data: JSON.stringify(json) },
      ];
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  await writeFilesAtomically(target, [...files, ...extraFiles]);
  return path.join(target, 'model.json');
}
