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
    const activation = outputs[0];
    const channels = activation.shape[activation.rank - 1];
    const mask = tf.oneHot(tf.scalar(channel, 'int32'), channels).toFloat();
    return tf.mul(activation, mask);
  });
}
