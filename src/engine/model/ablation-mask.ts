/**
 * The forward pass's ablation hook: multiplies a layer's output by a 0/1 mask over its last
 * (channel) axis, so the zeroed channels reach every later layer as zeros.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';

/** `output` with `channels` zeroed; `output` itself when there is nothing to zero. */
export function zeroChannels(output: tf.Tensor, channels: readonly number[] | undefined, layer: string, modelPath: string): tf.Tensor {
  if (!channels || channels.length === 0) return output;
  const count = output.shape[output.shape.length - 1];
  const mask = new Float32Array(count).fill(1);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= count) {
      throw new VebiError('BAD_ARGUMENT', `Cannot ablate channel ${c} of layer "${layer}": it has channels 0..${count - 1}.`, modelPath);
    }
    mask[c] = 0;
  }
  return tf.mul(output, tf.tensor1d(mask));
}
