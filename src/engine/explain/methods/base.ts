/**
 * The shared pipeline of every explanation method (style.md habit 4, after pytorch-grad-cam's
 * BaseCAM): one image in, one [0,1] map at the input size out. The base owns the input tensor,
 * the class explained (default: the predicted one), the turning of a method's raw output into a
 * heatmap and the release of every tensor; a method only overrides `compute`.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../../shared/errors';
import { EXPLANATION_METHODS, type ExplanationMethodName } from '../../../shared/params';
import { hasNonFinite, locateNonFinite, nonFiniteError } from '../../features/non-finite';
import { minMaxNormalize, signalToHeatmap } from '../../image';
import type { VebiModel } from '../../model/types';
import type { ExplanationWeights, ScoredFeature } from '../compute-explanation';
import { targetClass, type ExplanationTarget } from '../target-class';

/** Per-method settings; each method reads the ones it knows and states the values it used. */
export interface MethodContext {
  /** The interpretation (VEBI, upsampled activations). */
  weights?: ExplanationWeights;
  /** Relevant features kept (VEBI, upsampled activations); default 3. */
  topFeatures?: number;
  /** Strided-convolution fix; default true for VEBI, false for deconvnet and guided backprop (as published). */
  stridedFix?: boolean;
  /** Layer of the CAM methods; default the last feature layer with a spatial map. */
  layer?: string;
  /** Integrated gradients: path steps (default 32) and baseline (preprocessed H x W x C; default all zeros). */
  steps?: number;
  baseline?: Float32Array;
  /** SmoothGrad: noisy samples (default 16), noise std as a fraction of the input's range (0.15), PRNG seed (1; tfjs reads 0 as unseeded). */
  samples?: number;
  noise?: number;
  seed?: number;
  /** Images per backward pass for integrated gradients and SmoothGrad; default 16. */
  batchSize?: number;
}

export type MethodSettings = Record<string, string | number | boolean>;

export interface MethodResult {
  /** height x width, row-major, in [0,1]. */
  heatmap: Float32Array;
  height: number;
  width: number;
  classIndex: number;
  probabilities: Float32Array;
  /** The settings actually used (layer, steps, seed...), for reports. */
  settings: MethodSettings;
  /** The relevant features used (VEBI, upsampled activations). */
  features?: ScoredFeature[];
}

/** What `compute` gets: the image as a tensor [1, H, W, C] and as the caller's array (read only). */
export interface MethodRun {
  model: VebiModel;
  x: tf.Tensor4D;
  input: Float32Array;
  classIndex: number;
  context: MethodContext;
}

/**
 * A method's raw output, turned into the heatmap by the base:
 *   signal:  input-space [1, H, W, C] -> positive part, L2 over channels, min-max (as VEBI's projections);
 *   map:     spatial [1, h, w, 1] -> bilinear to H x W (half-pixel centres), min-max;
 *   heatmap: already a [0,1] map of H x W.
 */
export type MethodOutput = ({ signal: tf.Tensor } | { map: tf.Tensor } | { heatmap: Float32Array }) & { settings?: MethodSettings; features?: ScoredFeature[] };

/** tf.tidy for a function returning plain data: every tensor made inside is released. */
export function tidyValue<T>(fn: () => T): T {
  const engine = tf.engine();
  engine.startScope();
  try {
    return fn();
  } finally {
    engine.endScope();
  }
}

/** A spatial map [1, h, w, 1] -> H x W in [0,1]. */
export function spatialToHeatmap(map: tf.Tensor, height: number, width: number): Float32Array {
  return tidyValue(() => minMaxNormalize(upsample(map, height, width).dataSync() as Float32Array));
}

/** Bilinear resize of [1, h, w, k] to [1, H, W, k], pixel centres aligned (as the engine's resizeMap). */
export function upsample(map: tf.Tensor, height: number, width: number): tf.Tensor4D {
  const m = map as tf.Tensor4D;
  return m.shape[1] === height && m.shape[2] === width ? m.clone() : tf.image.resizeBilinear(m, [height, width], false, true);
}

/** A positive integer option, or its default. */
export function countOption(value: number | undefined, fallback: number, what: string, max = 4096): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new VebiError('BAD_ARGUMENT', `${what} must be an integer from 1 to ${max} (got ${n}).`);
  return n;
}

export abstract class ExplanationMethod {
  abstract readonly name: ExplanationMethodName;
  /** VEBI and upsampled activations read the interpretation (context.weights). */
  readonly needsWeights: boolean = false;

  get displayName(): string {
    return info(this.name).displayName;
  }

  get description(): string {
    return info(this.name).description;
  }

  /** The map of `input` (preprocessed H x W x C, left untouched) for `target`'s class. */
  explain(model: VebiModel, input: Float32Array, target: ExplanationTarget = {}, context: MethodContext = {}): MethodResult {
    const [height, width, channels] = model.inputShape;
    if (input.length !== height * width * channels) {
      throw new VebiError('BAD_ARGUMENT', `${this.displayName}: the image has ${input.length} values; the model takes ${height} x ${width} x ${channels} = ${height * width * channels}.`, model.path);
    }
    if (this.needsWeights && !context.weights) {
      throw new VebiError('BAD_ARGUMENT', `${this.displayName} needs the interpretation's weights (context.weights): run "vebi interpret" on the model first.`, model.path);
    }
    const x = tf.tensor4d(input, [1, height, width, channels]);
    try {
      return tidyValue(() => {
        const { logits, probs, outputs } = model.forward(x, []);
        const probabilities = probs.dataSync() as Float32Array;
        tf.dispose([logits, probs, ...outputs]);
        if (hasNonFinite(probabilities)) throw nonFiniteError(locateNonFinite(model, x));
        const classIndex = targetClass(probabilities, target);
        const out = this.compute({ model, x, input, classIndex, context });
        const heatmap =
          'heatmap' in out ? out.heatmap : 'map' in out ? spatialToHeatmap(out.map, height, width) : signalToHeatmap(out.signal.dataSync() as Float32Array, height, width, channels);
        return { heatmap, height, width, classIndex, probabilities, settings: out.settings ?? {}, ...(out.features ? { features: out.features } : {}) };
      });
    } finally {
      x.dispose();
    }
  }

  protected abstract compute(run: MethodRun): MethodOutput;
}

function info(name: ExplanationMethodName): (typeof EXPLANATION_METHODS)[number] {
  return EXPLANATION_METHODS.find((m) => m.name === name) as (typeof EXPLANATION_METHODS)[number];
}
