/**
 * Class activation maps: a conv layer's channels A_k weighted by what the class score's gradient
 * there says about them, ReLU, upsampled to the input. Grad-CAM and Grad-CAM++ differ only in
 * `channelWeights`; the guided variants multiply guided backprop by the upsampled map.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../../shared/errors';
import type { VebiModel } from '../../model/types';
import { ExplanationMethod, upsample, type MethodOutput, type MethodRun } from './base';
import { classInputGradient, ruleSettings } from './class-gradient';

/** The last feature layer with a spatial map (h * w > 1); pooling layers only when nothing else has one. */
export function defaultCamLayer(model: VebiModel): string {
  const spatial = model.layers.filter((l) => l.isFeature && l.outputShape.length === 3 && l.outputShape[0] * l.outputShape[1] > 1);
  const preferred = spatial.filter((l) => !/pool/i.test(l.className));
  const layer = (preferred.length ? preferred : spatial).pop();
  if (!layer) throw new VebiError('BAD_ARGUMENT', `${model.path} has no feature layer with a spatial map, so there is no class activation map; pass a layer.`, model.path);
  return layer.name;
}

export abstract class CamMethod extends ExplanationMethod {
  /** Weights [1, 1, 1, K] of the K channels of A from the gradient G = dS/dA (both [1, h, w, K]). */
  protected abstract channelWeights(activation: tf.Tensor4D, gradient: tf.Tensor4D): tf.Tensor;

  /** relu(sum_k w_k A_k) at the layer's resolution, [1, h, w, 1]. */
  camMap({ model, x, classIndex, context }: MethodRun): { map: tf.Tensor4D; layer: string } {
    const layer = context.layer ?? defaultCamLayer(model);
    return tf.tidy(() => {
      const seed = tf.oneHot([classIndex], model.numClasses).toFloat() as tf.Tensor2D;
      const { activation, gradient } = model.scoreGradient(x, seed, { layer });
      if (activation.rank !== 4) {
        throw new VebiError('BAD_ARGUMENT', `Layer "${layer}" has output shape [${activation.shape.slice(1).join(', ')}]; a class activation map needs a spatial layer [h, w, channels].`, model.path);
      }
      const weights = this.channelWeights(activation as tf.Tensor4D, gradient as tf.Tensor4D);
      return { map: tf.relu(tf.sum(tf.mul(activation, weights), -1, true)) as tf.Tensor4D, layer };
    });
  }

  protected compute(run: MethodRun): MethodOutput {
    const { map, layer } = this.camMap(run);
    return { map, settings: { layer } };
  }
}

/** Selvaraju et al. 2017: w_k = mean over (h, w) of dS/dA_k. */
export class GradCam extends CamMethod {
  readonly name = 'gradcam';

  protected channelWeights(_activation: tf.Tensor4D, gradient: tf.Tensor4D): tf.Tensor {
    return tf.mean(gradient, [1, 2], true);
  }
}

/**
 * Chattopadhyay et al. 2018 with the exp(S) closed form of pytorch-grad-cam:
 * alpha = g^2 / (2 g^2 + sum_hw(A) g^3) (0 where g = 0), w_k = sum_hw alpha * relu(g).
 */
export class GradCamPlusPlus extends CamMethod {
  readonly name = 'gradcam-plus-plus';

  protected channelWeights(activation: tf.Tensor4D, gradient: tf.Tensor4D): tf.Tensor {
    const g2 = tf.square(gradient);
    const g3 = tf.mul(g2, gradient);
    const sumA = tf.sum(activation, [1, 2], true);
    const alpha = tf.div(g2, tf.add(tf.add(tf.mul(2, g2), tf.mul(sumA, g3)), 1e-6));
    const live = tf.notEqual(gradient, 0).toFloat();
    return tf.sum(tf.mul(tf.mul(alpha, live), tf.relu(gradient)), [1, 2], true);
  }
}

/** Guided backprop (no strided fix unless asked) times the CAM upsampled to the input and scaled to [0,1]. */
export class GuidedCam extends ExplanationMethod {
  constructor(
    readonly name: 'guided-gradcam' | 'guided-gradcam-plus-plus',
    private readonly cam: CamMethod,
  ) {
    super();
  }

  protected compute(run: MethodRun): MethodOutput {
    const [height, width] = run.model.inputShape;
    const { map, layer } = this.cam.camMap(run);
    const up = upsample(map, height, width);
    const range = tf.sub(tf.max(up), tf.min(up));
    const unit = tf.div(tf.sub(up, tf.min(up)), tf.maximum(range, 1e-12));
    const rules = { rule: 'guided' as const, stridedFix: run.context.stridedFix ?? false };
    const guided = classInputGradient(run.model, run.x, run.classIndex, rules);
    return { signal: tf.mul(guided, unit), settings: { layer, ...ruleSettings(run.model, rules) } };
  }
}
