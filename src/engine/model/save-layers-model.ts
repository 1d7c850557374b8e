/**
 * Saves a tf.LayersModel as model.json + group1-shard1of1.bin, written atomically, for the
 * project's own training script and test fixtures (tfjs-node's file:// saver is not available).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { writeFilesAtomically } from '../fs/atomic-folder';
import type { FolderFile } from '../fs/atomic-folder';
import { SIDECAR_FILE_NAME } from '../data/sidecar';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

/** Only a folder that is empty or holds a previous model may be replaced. */
async function checkReplaceable(dir: string): Promise<void> {
  let names: string[];
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new VebiError('BAD_ARGUMENT', `${dir} exists and is not a folder; choose a folder path to save the model into.`, dir);
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const foreign = names.filter((n) => n !== 'model.json' && n !== SIDECAR_FILE_NAME && !n.endsWith('.bin'));
  if (foreign.length > 0) {
    throw new VebiError(
      'BAD_ARGUMENT',
      `${dir} holds files that are not part of a TensorFlow.js model (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); saving would replace the whole folder. Choose an empty or new folder.`,
      dir,
    );
  }
}

/**
 * Writes `model` to `dir` (created or replaced as a whole) with optional extra files such as the
 * vebi.json sidecar; returns the path of model.json.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string, extraFiles: FolderFile[] = []): Promise<string> {
  const target = path.resolve(dir);
  await checkReplaceable(target);
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
