/**
 * Explanation of one prediction (method.md section 4): predict, score features by
 * x_f * W[f,c] / sum W[:,c], keep the top p, project each back to the input with guided
 * backprop seeded by its whole activation map, and turn the signals into [0,1] heatmaps.
 * Pure computation: no files; every tensor is released before returning.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExplainParams } from '../../shared/params';
import { featureVectors, peakResponses } from '../features/feature-vector';
import { hasNonFinite, locateNonFinite, nonFiniteError } from '../features/non-finite';
import { combineMax, signalToHeatmap } from '../image';
import type { FeatureId } from '../interpret/feature-table';
import type { VebiModel } from '../model/types';
import { channelSeed, seedFromActivation } from './channel-seed';
import { targetClass, type ExplanationTarget } from './target-class';

/** An absent-evidence feature firing at this fraction of its best training response is flagged. */
export const ABSENT_FLAG_RATIO = 0.5;
/** How many of the strongest negative-weight features are checked. */
export const ABSENT_CHECKED = 5;

export interface ExplanationWeights {
  /** m x C row-major, non-negative fit. */
  nonNegative: Float32Array;
  /** m x C row-major, signed fit. */
  signed: Float32Array;
  /** Best peak response of each feature on the training folder. */
  peakResponses: Float32Array;
  numClasses: number;
  feature(index: number): FeatureId;
  l2Normalize: boolean;
}

export interface ExplainedFeature extends FeatureId {
  score: number;
  weight: number;
  response: number;
  heatmap: Float32Array;
}

export interface AbsentCheck extends FeatureId {
  weight: number;
  relativeResponse: number;
  flagged: boolean;
  heatmap?: Float32Array;
}

export interface Explanation {
  classIndex: number;
  probabilities: Float32Array;
  features: ExplainedFeature[];
  /** Pixel-wise max of the feature heatmaps (zeros when no feature qualifies). */
  combined: Float32Array;
  absent: AbsentCheck[];
  height: number;
  width: number;
}

export type ScoredFeature = FeatureId & { score: number; weight: number };

/**
 * Steps 1-2 on one image x [1, H, W, C]: probabilities, the class explained, peak responses, the
 * top-p features. With `keep`, every feature layer's activation is also handed out (by layer name),
 * for the projections' seeds: the caller disposes them.
 */
export function relevantFeatures(model: VebiModel, weights: ExplanationWeights, x: tf.Tensor4D, p: number, target: ExplanationTarget = {}, keep?: Map<string, tf.Tensor>) {
  const { vector, peaks, probabilities } = tf.tidy(() => {
    const { outputs, logits, probs } = model.forward(x, model.featureLayers);
    logits.dispose();
    if (keep) model.featureLayers.forEach((layer, i) => keep.set(layer, tf.keep(outputs[i])));
    return { vector: featureVectors(outputs, weights.l2Normalize), peaks: peakResponses(outputs).values, probabilities: probs };
  });
  const xf = vector.dataSync() as Float32Array;
  const peak = peaks.dataSync() as Float32Array;
  const probs = probabilities.dataSync() as Float32Array;
  tf.dispose([vector, peaks, probabilities]);
  // A NaN feature gives NaN scores, a NaN probability a "NaN%": stop with the reason instead.
  if (hasNonFinite(probs) || hasNonFinite(xf)) throw nonFiniteError(locateNonFinite(model, x));
  const classIndex = targetClass(probs, target);
  return { probabilities: probs, classIndex, peaks: peak, features: topScoringFeatures(xf, weights, classIndex, p) };
}

/** `target` picks the class explained (default: the predicted one). */
export function computeExplanation(model: VebiModel, weights: ExplanationWeights, input: Float32Array, params: Pick<ExplainParams, 'topFeatures' | 'stridedFix'>, target: ExplanationTarget = {}): Explanation {
  const [height, width, channels] = model.inputShape;
  const x = tf.tensor4d(input, [1, height, width, channels]);
  // The first forward's activations seed the projections: no forward again per feature.
  const activations = new Map<string, tf.Tensor>();
  try {
    const { probabilities: probs, classIndex, peaks: peak, features: top } = relevantFeatures(model, weights, x, params.topFeatures, target, activations);
    const absentChecked = strongestAbsent(weights, classIndex).map((feature) => {
      const relativeResponse = weights.peakResponses[feature.index] > 0 ? peak[feature.index] / weights.peakResponses[feature.index] : 0;
      return { ...feature, relativeResponse, flagged: relativeResponse >= ABSENT_FLAG_RATIO };
    });
    const projected = new Set([...top, ...absentChecked.filter((f) => f.flagged)].map((f) => f.layer));
    for (const [layer, activation] of activations) {
      if (!projected.has(layer)) {
        activation.dispose();
        activations.delete(layer);
      }
    }
    const project = (feature: FeatureId) => projectFeature(model, x, feature, params.stridedFix, activations.get(feature.layer));
    const features = top.map((scored) => ({ ...scored, response: peak[scored.index], heatmap: project(scored) }));
    const absent = absentChecked.map((feature) => ({ ...feature, ...(feature.flagged ? { heatmap: project(feature) } : {}) }));
    const combined = features.length ? combineMax(features.map((f) => f.heatmap)) : new Float32Array(height * width);
    return { classIndex, probabilities: probs, features, combined, absent, height, width };
  } finally {
    x.dispose();
    tf.dispose([...activations.values()]);
  }
}

/** Step 2: score_f = x_f * W[f,c] / sum_f' W[f',c]; candidates have score > 0; keep the top p. */
export function topScoringFeatures(xf: Float32Array, weights: ExplanationWeights, classIndex: number, p: number): ScoredFeature[] {
  const C = weights.numClasses;
  let total = 0;
  for (let f = 0; f < xf.length; f++) total += weights.nonNegative[f * C + classIndex];
  if (total <= 0) return [];
  const scored: ScoredFeature[] = [];
  for (let f = 0; f < xf.length; f++) {
    const weight = weights.nonNegative[f * C + classIndex];
    const score = (xf[f] * weight) / total;
    if (score > 0) scored.push({ ...weights.feature(f), score, weight });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, p);
}

function strongestAbsent(weights: ExplanationWeights, classIndex: number): (FeatureId & { weight: number })[] {
  const C = weights.numClasses;
  const list: (FeatureId & { weight: number })[] = [];
  for (let f = 0; f < weights.signed.length / C; f++) {
    const weight = weights.signed[f * C + classIndex];
    if (weight < 0) list.push({ ...weights.feature(f), weight });
  }
  return list.sort((a, b) => a.weight - b.weight).slice(0, ABSENT_CHECKED);
}

/** Steps 3-5 for one feature: guided backprop from its whole activation map, then the heatmap. */
function projectFeature(model: VebiModel, x: tf.Tensor4D, feature: FeatureId, stridedFix: boolean, activation: tf.Tensor | undefined): Float32Array {
  const [height, width, channels] = model.inputShape;
  const signal = tf.tidy(() => {
    const seed = activation ? seedFromActivation(activation, feature.channel) : channelSeed(model, x, feature.layer, feature.channel);
    return model.project(x, feature.layer, seed, { rule: 'guided', stridedFix });
  });
  const data = signal.dataSync() as Float32Array;
  signal.dispose();
  return signalToHeatmap(data, height, width, channels);
}
