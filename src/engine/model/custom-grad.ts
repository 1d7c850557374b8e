/** A typed wrapper around tf.customGrad for one-input ops (tfjs types its arguments loosely). */
import * as tf from '@tensorflow/tfjs';

/**
 * An op computing `forward(x)` whose backward pass is `backward(dy, x)` instead of the gradient
 * of `forward`. Ops inside `forward` are not recorded on the tape.
 */
export function withBackward<T extends tf.Tensor>(forward: (x: T) => T, backward: (dy: T, x: T) => tf.Tensor): (x: T) => T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [T, tf.GradSaveFunc];
    save([x]);
    return { value: forward(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy as T, saved[0] as T) };
  });
  return (x: T): T => op(x) as T;
}
