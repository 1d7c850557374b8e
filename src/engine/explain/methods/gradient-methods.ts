/**
 * Methods that read the class score's gradient at the input: the plain gradient, deconvnet and
 * guided backprop (the same backward pass with other ReLU rules), integrated gradients and
 * SmoothGrad. Each returns an input-space signal; the base turns it into a heatmap by VEBI's rule.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../../shared/errors';
import type { ProjectionOptions } from '../../model/types';
import { ExplanationMethod, countOption, type MethodOutput, type MethodRun } from './base';
import { classInputGradient, ruleSettings } from './class-gradient';

export class VanillaGradient extends ExplanationMethod {
  readonly name = 'gradient';

  protected compute({ model, x, classIndex }: MethodRun): MethodOutput {
    return { signal: classInputGradient(model, x, classIndex) };
  }
}

/** Deconvnet / guided backprop from the class logit: published without the strided-convolution fix. */
export class RuleProjection extends ExplanationMethod {
  constructor(
    readonly name: 'deconvnet' | 'guided-backprop',
    private readonly rule: ProjectionOptions['rule'],
  ) {
    super();
  }

  protected compute({ model, x, classIndex, context }: MethodRun): MethodOutput {
    const rules = { rule: this.rule, stridedFix: context.stridedFix ?? false };
    return { signal: classInputGradient(model, x, classIndex, rules), settings: ruleSettings(model, rules) };
  }
}

/** Sum of the class gradient over a batch of images, `batchSize` images per backward pass. */
function summedGradient(run: MethodRun, images: tf.Tensor4D, batchSize: number): tf.Tensor {
  let sum: tf.Tensor = tf.zerosLike(run.x);
  for (let start = 0; start < images.shape[0]; start += batchSize) {
    const next = tf.tidy(() => {
      const chunk = images.slice(start, Math.min(batchSize, images.shape[0] - start));
      return tf.add(sum, tf.sum(classInputGradient(run.model, chunk, run.classIndex), 0, true));
    });
    sum.dispose();
    sum = next;
  }
  return sum;
}

/** Sundararajan et al. 2017, right Riemann sum: (x - x0) * mean_k grad(x0 + (k/m)(x - x0)), k = 1..m. */
export class IntegratedGradients extends ExplanationMethod {
  readonly name = 'integrated-gradients';

  protected compute(run: MethodRun): MethodOutput {
    const { x, context } = run;
    const steps = countOption(context.steps, 32, 'Integrated gradients: steps');
    const batchSize = countOption(context.batchSize, 16, 'Integrated gradients: batch size');
    if (context.baseline && context.baseline.length !== run.input.length) {
      throw new VebiError('BAD_ARGUMENT', `Integrated gradients: the baseline has ${context.baseline.length} values, the image ${run.input.length}.`);
    }
    const baseline = context.baseline ? tf.tensor4d(context.baseline, x.shape) : tf.zerosLike(x);
    const delta = tf.sub(x, baseline);
    const alphas = tf.range(1, steps + 1).div(steps).reshape([steps, 1, 1, 1]);
    const path = tf.add(baseline, tf.mul(alphas, delta)) as tf.Tensor4D;
    const signal = tf.mul(delta, tf.div(summedGradient(run, path, batchSize), steps));
    return { signal, settings: { steps, baseline: context.baseline ? 'given' : 'zeros' } };
  }
}

/** Smilkov et al. 2017: the mean gradient over noisy copies, noise std = noise * (max - min) of the input. */
export class SmoothGrad extends ExplanationMethod {
  readonly name = 'smoothgrad';

  protected compute(run: MethodRun): MethodOutput {
    const { x, context } = run;
    const samples = countOption(context.samples, 16, 'SmoothGrad: samples');
    const batchSize = countOption(context.batchSize, 16, 'SmoothGrad: batch size');
    const noise = context.noise ?? 0.15;
    // tfjs takes seed 0 for "no seed" (Math.random): the default must be another number to repeat.
    const seed = context.seed ?? 1;
    if (!(noise >= 0) || !Number.isFinite(seed)) throw new VebiError('BAD_ARGUMENT', `SmoothGrad: the noise level must be >= 0 and the seed a number (got ${noise}, ${seed}).`);
    let min = Infinity;
    let max = -Infinity;
    for (const v of run.input) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const sigma = noise * (max - min);
    // One seeded draw for all samples, so the result does not depend on the batch size.
    const noisy = tf.add(x, tf.randomNormal([samples, ...x.shape.slice(1)], 0, sigma, 'float32', seed)) as tf.Tensor4D;
    return { signal: tf.div(summedGradient(run, noisy, batchSize), samples), settings: { samples, noise, sigma, seed } };
  }
}
