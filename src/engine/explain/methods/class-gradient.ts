/** The gradient of one class's logit at the input, for a batch of images, by a backward rule. */
import * as tf from '@tensorflow/tfjs';
import type { ProjectionOptions, VebiModel } from '../../model/types';
import type { MethodSettings } from './base';

export function classInputGradient(model: VebiModel, x: tf.Tensor4D, classIndex: number, rules: ProjectionOptions = { rule: 'gradient', stridedFix: false }): tf.Tensor4D {
  return tf.tidy(() => {
    const seed = tf.oneHot(tf.fill([x.shape[0]], classIndex, 'int32') as tf.Tensor1D, model.numClasses).toFloat() as tf.Tensor2D;
    return model.scoreGradient(x, seed, rules).gradient as tf.Tensor4D;
  });
}

/** Settings of a rule-based projection, with the model's note when it cannot honour them (graph models). */
export function ruleSettings(model: VebiModel, { rule, stridedFix }: ProjectionOptions): MethodSettings {
  const can = model.backwardRules;
  const fallback = can !== undefined && ((rule !== 'gradient' && !can[rule]) || (stridedFix && !can.stridedFix));
  return { rule, stridedFix, ...(fallback ? { note: can.note ?? 'projected with the plain gradient' } : {}) };
}
