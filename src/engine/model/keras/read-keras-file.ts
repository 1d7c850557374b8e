/**
 * Reads a Keras model file into plain data: the converted topology and every layer's weights.
 * .keras is a zip (config.json + model.weights.h5); .h5/.hdf5 is legacy HDF5 with the config in
 * the "model_config" attribute and the weights under "model_weights".
 */
import * as path from 'node:path';
import { VebiError } from '../../../shared/errors';
import { LIMITS } from '../../fs/safe-read';
import { readModelFile } from '../model-file';
import { kerasConfigToTfjs, type ConvertedKerasModel } from './keras-config-to-tfjs';
import { readKeras3Weights, readLegacyWeights, type KerasWeights } from './keras-weights';
import { withHdf5 } from './open-hdf5';
import { readZipDirectory } from './zip-directory';
import { extractEntry } from './zip-extract';

export interface KerasFile {
  model: ConvertedKerasModel;
  /** Found, not read: each weight is read by its read(), only inside openKerasFile's callback. */
  weights: KerasWeights;
}

export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

/** A Keras config is a few hundred KB even for large models: 64 MiB is far above any. */
const CONFIG_BYTES = 64 * 1024 * 1024;

function parseConfig(text: string, where: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_CORRUPT', `${file}: ${where} is not valid JSON (${detail}). The file is damaged: save the model again.`, file);
  }
}

async function openKerasArchive<T>(bytes: Uint8Array, file: string, use: (keras: KerasFile) => Promise<T>): Promise<T> {
  const entries = readZipDirectory(bytes, file);
  const config = entries.get('config.json');
  const weightFile = entries.get('model.weights.h5');
  if (!config) throw new VebiError('MODEL_CORRUPT', `${file} has no config.json, so it is not a Keras 3 model archive. Save the model with model.save("model.keras").`, file);
  if (!weightFile) throw new VebiError('WEIGHTS_MISSING', `${file} has no model.weights.h5, so its weights are missing. Save the whole model with model.save("model.keras").`, file);
  const model = kerasConfigToTfjs(parseConfig(new TextDecoder().decode(await extractEntry(bytes, config, CONFIG_BYTES, file)), 'config.json', file), file);
  const weightBytes = await extractEntry(bytes, weightFile, LIMITS.modelBytes, file);
  return withHdf5(weightBytes, file, (h5, root) => use({ model, weights: readKeras3Weights(h5, root, model.layers, file) }));
}

async function openLegacyH5<T>(bytes: Uint8Array, file: string, use: (keras: KerasFile) => Promise<T>): Promise<T> {
  return withHdf5(bytes, file, (h5, root) => {
    const raw = root.attrs.model_config?.value;
    if (typeof raw !== 'string') {
      throw new VebiError(
        'MODEL_UNSUPPORTED',
        `${file} has no "model_config" attribute: it holds weights only (save_weights), without the architecture. Save the whole model with model.save("model.keras") or model.save("model.h5").`,
        file,
      );
    }
    const model = kerasConfigToTfjs(parseConfig(raw, 'the model_config attribute', file), file);
    return use({ model, weights: readLegacyWeights(h5, root, model.layers, file) });
  });
}

/**
 * Opens a .keras or .h5/.hdf5 Keras model file and runs `use` on its config and weights while the
 * file is open (weights are read on demand, once their shapes are checked).
 */
export async function openKerasFile<T>(file: string, use: (keras: KerasFile) => Promise<T>): Promise<T> {
  const bytes = await readModelFile(file, LIMITS.modelBytes);
  return path.extname(file).toLowerCase() === '.keras' ? openKerasArchive(bytes, file, use) : openLegacyH5(bytes, file, use);
}
