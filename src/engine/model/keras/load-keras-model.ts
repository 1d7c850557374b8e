/**
 * Builds a Keras file as a TF.js LayersModel with the file's weights.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError, isVebiError } from '../../../shared/errors';
import { registerKerasCompatLayers } from '../keras-compat-layers';
import { assignKerasWeights } from './keras-weights';
import { openKerasFile } from './read-keras-file';

export async function loadKerasModel(file: string): Promise<tf.LayersModel> {
  return openKerasFile(file, async ({ model: converted, weights }) => {
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
      return model;
    } catch (err) {
      model.dispose();
      throw err;
    }
  });
}
