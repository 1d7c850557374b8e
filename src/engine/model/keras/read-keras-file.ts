/**
 * Reads a Keras model file into plain data: the converted topology and every layer's weights.
 * .keras is a zip (config.json + model.weights.h5); .h5/.hdf5 is legacy HDF5 with the config in
 * the "model_config" attribute and the weights under "model_weights".
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { VebiError } from '../../../shared/errors';
import { kerasConfigToTfjs, type ConvertedKerasModel } from './keras-config-to-tfjs';
import { readKeras3Weights, readLegacyWeights, type KerasWeights } from './keras-weights';
import { withHdf5 } from './open-hdf5';

export interface KerasFile {
  model: ConvertedKerasModel;
  weights: KerasWeights;
}

export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

function parseConfig(text: string, where: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_CORRUPT', `${file}: ${where} is not valid JSON (${detail}). The file is damaged: save the model again.`, file);
  }
}

function unzip(bytes: Uint8Array, file: string): Record<string, Uint8Array> {
  try {
    // Only the two entries VEBI reads are inflated.
    return unzipSync(bytes, { filter: (f) => f.name === 'config.json' || f.name === 'model.weights.h5' });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_CORRUPT', `${file} is not a readable .keras archive (${detail}). The file is damaged or truncated: save the model again with model.save("model.keras").`, file);
  }
}

async function readKerasArchive(bytes: Uint8Array, file: string): Promise<KerasFile> {
  const entries = unzip(bytes, file);
  const configBytes = entries['config.json'];
  const weightBytes = entries['model.weights.h5'];
  if (!configBytes) throw new VebiError('MODEL_CORRUPT', `${file} has no config.json, so it is not a Keras 3 model archive. Save the model with model.save("model.keras").`, file);
  if (!weightBytes) throw new VebiError('WEIGHTS_MISSING', `${file} has no model.weights.h5, so its weights are missing. Save the whole model with model.save("model.keras").`, file);
  const model = kerasConfigToTfjs(parseConfig(new TextDecoder().decode(configBytes), 'config.json', file), file);
  const weights = await withHdf5(weightBytes, file, (h5, root) => readKeras3Weights(h5, root, model.layers, file));
  return { model, weights };
}

async function readLegacyH5(bytes: Uint8Array, file: string): Promise<KerasFile> {
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
    return { model, weights: readLegacyWeights(h5, root, model.layers, file) };
  });
}

/** Reads a .keras or .h5/.hdf5 Keras model file. */
export async function readKerasFile(file: string): Promise<KerasFile> {
  const bytes = new Uint8Array(await fs.readFile(file));
  return path.extname(file).toLowerCase() === '.keras' ? readKerasArchive(bytes, file) : readLegacyH5(bytes, file);
}
