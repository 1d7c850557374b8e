/**
 * ReLU with the backward rules of method.md section 4, step 3:
 *   gradient:  g_in = g_out * [0 < x < max]
 *   guided:    g_in = g_out * [0 < x < max] * [g_out > 0]   (Springenberg et al. 2015)
 *   deconvnet: g_in = g_out * [g_out > 0]                    (Zeiler & Fergus 2014)
 * `max` is Infinity for a plain ReLU and 6 for ReLU6 (the mask is then the ReLU6 derivative).
 */
import * as tf from '@tensorflow/tfjs';
import { withBackward } from './custom-grad';
import type { ProjectionOptions } from './types';

export type BackwardRule = ProjectionOptions['rule'];

function clippedRelu(x: tf.Tensor, max: number): tf.Tensor {
  if (max === 6) return tf.relu6(x);
  return Number.isFinite(max) ? tf.clipByValue(x, 0, max) : tf.relu(x);
}

/** Activation names (Keras / tfjs serialisation) that are ReLUs, with their clip value. */
export function reluClip(activation: string): number | undefined {
  if (activation === 'relu') return Infinity;
  if (activation === 'relu6') return 6;
  return undefined;
}

/**
 * dy back through a (clipped) ReLU by `rule`; `input` is its input, or its output (both are > 0 at
 * the same places, and below `max` too when max is infinite).
 */
export function reluRuleBackward(dy: tf.Tensor, input: tf.Tensor, rule: BackwardRule, max = Infinity): tf.Tensor {
  // Written with relu/step (float ops): boolean where/logicalAnd is several times slower on wasm.
  if (rule === 'deconvnet') return tf.relu(dy); // dy * [dy > 0]
  const live = Number.isFinite(max) ? tf.mul(tf.step(input), tf.step(tf.sub(max, input))) : tf.step(input);
  return tf.mul(rule === 'guided' ? tf.relu(dy) : dy, live);
}

/** A (clipped) ReLU whose backward pass follows `rule`. */
export function ruleRelu(x: tf.Tensor, rule: BackwardRule, max = Infinity): tf.Tensor {
  if (rule === 'gradient') return clippedRelu(x, max);
  const op = withBackward(
    (input: tf.Tensor) => clippedRelu(input, max),
    (dy, input) => reluRuleBackward(dy, input, rule, max),
  );
  return op(x);
}
