/**
 * Which features an ablation zeroes: a class's relevant features (top-n by weight of the
 * non-negative fit) or n features drawn at random, and their (layer, channel) form for the model.
 */
import type { ChannelAblation } from '../model/types';

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

/** mulberry32 seeded by a mix of the parts: independent streams per (seed, count, draw). */
export function seededStream(...parts: number[]): () => number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
