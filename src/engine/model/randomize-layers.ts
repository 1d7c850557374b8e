/**
 * Re-initialised copies of a tf.LayersModel for the cascading randomisation of the sanity checks
 * (Adebayo et al. 2018). The copy shares no variable with the original: disposing either leaves
 * the other whole.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';

/** Weights named like this are drawn anew; a layer with one is "a layer with weights". */
const KERNEL = /kernel$/;
const BIAS = /bias$/;

function baseName(variable: tf.LayerVariable): string {
  return variable.originalName.split('/').pop() ?? variable.originalName;
}

/** True for layers with a kernel (convolutions, dense, depthwise, separable). */
export function hasKernel(layer: tf.layers.Layer | undefined): boolean {
  return !!layer && layer.weights.some((w) => KERNEL.test(baseName(w)));
}

/** The same architecture with copies of every weight (variables of its own). */
export async function cloneLayersModel(model: tf.LayersModel, file: string): Promise<tf.LayersModel> {
  let copy: tf.LayersModel;
  try {
    copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as unknown as tf.io.ModelJSON);
  } catch (err) {
    throw new VebiError('MODEL_UNSUPPORTED', `Cannot copy the model in ${file} to randomise its weights: ${err instanceof Error ? err.message : String(err)}.`, file);
  }
  // setWeights writes copies into the copy's own variables (tfjs reference-counts the data).
  tf.tidy(() => copy.setWeights(model.getWeights()));
  return copy;
}

/** Keras's fan rule: receptive field size times input / output channels. */
function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/**
 * Kernels ~ N(0, 2 / (fan_in + fan_out)) (Glorot normal, not truncated) from `seed`, biases zero
 * (Keras's default initialisation); other weights (batch-norm statistics, ...) are kept.
 */
export function reinitializeLayer(layer: tf.layers.Layer, seed: number): void {
  tf.tidy(() => {
    const values = layer.getWeights().map((value, k) => {
      const name = baseName(layer.weights[k]);
      if (BIAS.test(name)) return tf.zerosLike(value);
      if (!KERNEL.test(name)) return value;
      const { fanIn, fanOut } = fans(value.shape);
      // Never 0: tfjs draws an unseeded stream for a seed of 0.
      return tf.randomNormal(value.shape, 0, Math.sqrt(2 / (fanIn + fanOut)), 'float32', seed * 1000 + k + 1);
    });
    layer.setWeights(values);
  });
}
