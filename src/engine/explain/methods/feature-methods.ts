/**
 * Methods built on the interpretation's relevant features (method.md sections 4 and 5): VEBI
 * itself, and its "upsampled activations" baseline (the same top features, each map bilinearly
 * upsampled to the input instead of projected back).
 */
import * as tf from '@tensorflow/tfjs';
import { combineMax } from '../../image';
import { computeExplanation, relevantFeatures, type ExplanationWeights } from '../compute-explanation';
import { ExplanationMethod, countOption, spatialToHeatmap, type MethodOutput, type MethodRun } from './base';

const topOf = (run: MethodRun) => countOption(run.context.topFeatures, 3, 'The number of features', 32);

/** The combined map of method.md section 4 (with the strided-convolution fix unless told otherwise). */
export class VebiMethod extends ExplanationMethod {
  readonly name = 'vebi';
  override readonly needsWeights = true;

  protected compute(run: MethodRun): MethodOutput {
    const params = { topFeatures: topOf(run), stridedFix: run.context.stridedFix ?? true };
    const explanation = computeExplanation(run.model, run.context.weights as ExplanationWeights, run.input, params, { classIndex: run.classIndex });
    const features = explanation.features.map(({ index, layer, channel, score, weight }) => ({ index, layer, channel, score, weight }));
    return { heatmap: explanation.combined, features, settings: { ...params } };
  }
}

/** Pixel-wise max of the top features' activation maps, each upsampled and scaled to [0,1]. */
export class UpsampledActivations extends ExplanationMethod {
  readonly name = 'upsampled-activations';
  override readonly needsWeights = true;

  protected compute(run: MethodRun): MethodOutput {
    const { model, x, classIndex } = run;
    const [height, width] = model.inputShape;
    const topFeatures = topOf(run);
    const { features } = relevantFeatures(model, run.context.weights as ExplanationWeights, x, topFeatures, { classIndex });
    if (features.length === 0) return { heatmap: new Float32Array(height * width), features, settings: { topFeatures } };
    const layers = [...new Set(features.map((f) => f.layer))];
    const { outputs } = model.forward(x, layers);
    const maps = features.map((f) => {
      const out = outputs[layers.indexOf(f.layer)];
      // A vector layer's unit (dense) has a 1x1 map: no spatial information, an all-zero heatmap.
      if (out.rank !== 4) return new Float32Array(height * width);
      return spatialToHeatmap(tf.slice(out, [0, 0, 0, f.channel], [1, -1, -1, 1]), height, width);
    });
    const flat = features.filter((f) => outputs[layers.indexOf(f.layer)].rank !== 4).length;
    const note = flat ? `${flat} of the ${features.length} top features are units of vector layers, whose activation has no spatial map` : undefined;
    return { heatmap: combineMax(maps), features, settings: { topFeatures, ...(note ? { note } : {}) } };
  }
}
