/**
 * Builds a converted model (Keras or ONNX) from its TF.js layers topology, then lets the loader set
 * its weights; a model whose weights fail is disposed, so no tensor outlives a refused load.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError, isVebiError } from '../../shared/errors';

export async function buildLayersModel(
  topology: unknown,
  file: string,
  cannotBuild: (detail: string) => string,
  setWeights: (model: tf.LayersModel) => void,
): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as tf.io.ModelJSON);
  } catch (err) {
    if (isVebiError(err)) throw err;
    throw new VebiError('MODEL_UNSUPPORTED', cannotBuild(err instanceof Error ? err.message : String(err)), file);
  }
  try {
    setWeights(model);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
