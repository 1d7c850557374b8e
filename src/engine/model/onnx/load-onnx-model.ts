/**
 * Builds an .onnx file as a TF.js LayersModel (NHWC) with the file's weights: read, convert (every
 * refusal happens there, before a tensor exists), build from the topology, set the weights.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError, isVebiError } from '../../../shared/errors';
import { onnxToLayers } from './onnx-to-layers';
import { readOnnx } from './read-onnx';

export async function loadOnnxModel(file: string): Promise<tf.LayersModel> {
  const converted = onnxToLayers(await readOnnx(file));
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: converted.topology } as unknown as tf.io.ModelJSON);
  } catch (err) {
    if (isVebiError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_UNSUPPORTED', `TensorFlow.js could not build the model converted from ${file}: ${detail}. Please report this with the model's export command; nothing in the model was run.`, file);
  }
  try {
    for (const spec of converted.layers) {
      if (spec.weights.length === 0) continue;
      const layer = model.getLayer(spec.name);
      tf.tidy(() => layer.setWeights(spec.weights.map((w) => tf.tensor(w.data, w.shape))));
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
