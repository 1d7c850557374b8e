/**
 * BatchNormalization in a projection, for layers without `scale` (Keras Normalization is loaded as
 * one, and BatchNormalization(scale=False) is common): tfjs's batchNorm gradient saves its null
 * scale input and fails under a gradient tape, so the inference formula is written in plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import { LayerConfig } from './layer-config';
import type { PlanStep } from './layer-plan';

/** The layer's output in plain ops, or undefined when tfjs's own op is fine (with scale) or the axis is not the last. */
export function batchNormWithoutScale(step: PlanStep, input: tf.Tensor, file: string): tf.Tensor | undefined {
  const layer = step.layer as tf.layers.Layer;
  const config = new LayerConfig(layer, file);
  const scale = config.boolean('scale', true);
  const axis = config.has('axis') ? config.number('axis') : -1;
  if (scale || (axis !== -1 && axis !== input.rank - 1)) return undefined;
  const center = config.boolean('center', true);
  // Weights in tfjs's order: [gamma if scale], [beta if center], moving mean, moving variance.
  const weights = layer.getWeights();
  const [mean, variance] = weights.slice(-2);
  const normalized = tf.mul(tf.sub(input, mean), tf.rsqrt(tf.add(variance, config.number('epsilon', 1e-3))));
  return center ? tf.add(normalized, weights[0]) : normalized;
}
