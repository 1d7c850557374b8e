/**
 * Builds a Keras file as a TF.js LayersModel with the file's weights.
 */
import type * as tf from '@tensorflow/tfjs';
import { buildLayersModel } from '../build-layers-model';
import { registerKerasCompatLayers } from '../keras-compat-layers';
import { assignKerasWeights } from './keras-weights';
import { openKerasFile } from './read-keras-file';

export async function loadKerasModel(file: string): Promise<tf.LayersModel> {
  return openKerasFile(file, async ({ model: converted, weights }) => {
    registerKerasCompatLayers();
    return buildLayersModel(
      converted.topology,
      file,
      (detail) => `TensorFlow.js could not build the Keras model in ${file}: ${detail}. Check that it uses only built-in Keras layers.`,
      (model) => assignKerasWeights(model, converted.layers, weights, file),
    );
  });
}
