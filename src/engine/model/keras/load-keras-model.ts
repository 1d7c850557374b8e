/**
 * Builds a Keras file as a TF.js LayersModel with the file's weights, wrapped as a VebiModel.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError, isVebiError } from '../../../shared/errors';
import { registerKerasCompatLayers } from '../keras-compat-layers';
import { LayerGraphModel } from '../layer-graph';
import type { VebiModel } from '../types';
import { assignKerasWeights } from './keras-weights';
import { readKerasFile } from './read-keras-file';

export async function loadKerasModel(file: string): Promise<VebiModel> {
  const { model: converted, weights } = await readKerasFile(file);
  registerKerasCompatLayers();
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: converted.topology } as unknown as tf.io.ModelJSON);
  } catch (err) {
    if (isVebiError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_UNSUPPORTED', `TensorFlow.js could not build the Keras model in ${file}: ${detail}. Check that it uses only built-in Keras layers.`, file);
  }
  try {
    assignKerasWeights(model, converted.layers, weights, file);
    return new LayerGraphModel(model, file, 'keras');
  } catch (err) {
    model.dispose();
    throw err;
  }
}
