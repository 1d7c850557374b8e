/**
 * The seed of a feature's projection (method.md section 4, step 3): the layer's whole forward
 * activation map for that channel, zero for every other channel.
 */
import * as tf from '@tensorflow/tfjs';
import type { VebiModel } from '../model/types';

export function channelSeed(model: VebiModel, x: tf.Tensor4D, layer: string, channel: number): tf.Tensor {
  return tf.tidy(() => {
    const { outputs, logits, probs } = model.forward(x, [layer]);
    tf.dispose([logits, probs]);
    return seedFromActivation(outputs[0], channel);
  });
}

/** The same seed from a forward already run: the layer's activation with every other channel zeroed. */
export function seedFromActivation(activation: tf.Tensor, channel: number): tf.Tensor {
  return tf.tidy(() => {
    const channels = activation.shape[activation.rank - 1];
    const mask = tf.oneHot(tf.scalar(channel, 'int32'), channels).toFloat();
    return tf.mul(activation, mask);
  });
}
