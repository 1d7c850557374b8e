/**
 * Builds an .onnx file as a TF.js LayersModel (NHWC) with the file's weights: read, convert (every
 * refusal happens there, before a tensor exists), build from the topology, set the weights.
 */
import * as tf from '@tensorflow/tfjs';
import { buildLayersModel } from '../build-layers-model';
import { onnxToLayers } from './onnx-to-layers';
import { readOnnx } from './read-onnx';

export async function loadOnnxModel(file: string): Promise<tf.LayersModel> {
  const converted = onnxToLayers(await readOnnx(file));
  return buildLayersModel(
    converted.topology,
    file,
    (detail) => `TensorFlow.js could not build the model converted from ${file}: ${detail}. Please report this with the model's export command; nothing in the model was run.`,
    (model) => {
      for (const spec of converted.layers) {
        if (spec.weights.length === 0) continue;
        const layer = model.getLayer(spec.name);
        tf.tidy(() => layer.setWeights(spec.weights.map((w) => tf.tensor(w.data, w.shape))));
      }
    },
  );
}
