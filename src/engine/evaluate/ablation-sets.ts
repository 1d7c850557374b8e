/**
 * Which features an ablation zeroes: a class's relevant features (top-n by weight of the
 * non-negative fit) or n features drawn at random, and their (layer, channel) form for the model.
 */
import type { ChannelAblation } from '../model/types';
import { mixSeed, mulberry32 } from '../seeded-random';

/** Weights at or below this are zero (the interpretation's own threshold). */
const ZERO_WEIGHT = 1e-9;

/** A count of features to ablate; 'all' = every relevant feature of the class. */
export type { AblationCount } from '../../shared/evaluation';
import type { AblationCount } from '../../shared/evaluation';

/** Relevant features of class `c`: indices with a positive weight in W[:, c], heaviest first. */
export function relevantFeatures(weights: Float32Array, featureCount: number, numClasses: number, c: number): number[] {
  const list: number[] = [];
  for (let f = 0; f < featureCount; f++) if (weights[f * numClasses + c] > ZERO_WEIGHT) list.push(f);
  // Ties (rare) by index, so the order does not depend on the sort's stability.
  return list.sort((a, b) => weights[b * numClasses + c] - weights[a * numClasses + c] || a - b);
}

/** How many features a count means for a class with `relevant` relevant features. */
export function effectiveCount(n: AblationCount, relevant: number): number {
  return n === 'all' ? relevant : Math.min(n, relevant);
}

/** Independent streams per (seed, count, draw). */
export function seededStream(...parts: number[]): () => number {
  return mulberry32(mixSeed(...parts));
}

/**
 * `count` distinct feature indices out of `featureCount`, uniformly (partial Fisher-Yates).
 * Draw d of count k is the same whatever other counts are asked, so results are comparable.
 */
export function randomFeatures(featureCount: number, count: number, seed: number, draw: number): number[] {
  const rand = seededStream(seed, count, draw);
  const pool = Array.from({ length: featureCount }, (_, i) => i);
  const k = Math.min(count, featureCount);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (featureCount - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

/** Feature indices -> the model's ablation map (layer -> channels). */
export function toChannelAblation(features: readonly number[], lookup: (index: number) => { layer: string; channel: number }): ChannelAblation {
  const map = new Map<string, number[]>();
  for (const f of features) {
    const { layer, channel } = lookup(f);
    const list = map.get(layer) ?? [];
    list.push(channel);
    map.set(layer, list);
  }
  return map;
}

/** A stable key for a feature set, so identical sets (across classes) run once. */
export function setKey(features: readonly number[]): string {
  return [...features].sort((a, b) => a - b).join(',');
}
