/**
 * Typed reads of a tfjs layer's configuration and weights. getConfig() is the public, serialised
 * view of a layer (the same keys as in model.json), so we read geometry there, never internals.
 */
import type * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { isPaddingMode, type PaddingMode } from './conv-geometry';

export type Pair = [number, number];

export class LayerConfig {
  private readonly config: Record<string, unknown>;

  constructor(
    readonly layer: tf.layers.Layer,
    private readonly file: string,
  ) {
    this.config = layer.getConfig() as Record<string, unknown>;
  }

  get className(): string {
    return this.layer.getClassName();
  }

  private bad(key: string): VebiError {
    return new VebiError(
      'MODEL_CORRUPT',
      `Layer "${this.layer.name}" (${this.className}) has an unexpected "${key}" in its configuration (${JSON.stringify(this.config[key])}). Re-export the model.`,
      this.file,
    );
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  /** A number or a pair of numbers as a pair (kernel_size 3 -> [3, 3]). */
  pair(key: string, fallback?: Pair): Pair {
    const value = this.config[key];
    if ((value === undefined || value === null) && fallback) return fallback;
    if (typeof value === 'number') return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0] as number, value[1] as number];
    throw this.bad(key);
  }

  /** ZeroPadding2D / Cropping2D style [[top, bottom], [left, right]] (or shorthand). */
  pairOfPairs(key: string): [Pair, Pair] {
    const value = this.config[key];
    if (typeof value === 'number') return [[value, value], [value, value]];
    if (Array.isArray(value) && value.length === 2) {
      const [a, b] = value as unknown[];
      if (typeof a === 'number' && typeof b === 'number') return [[a, a], [b, b]];
      const asPair = (v: unknown): Pair | undefined =>
        Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? [v[0], v[1]] : undefined;
      const [pa, pb] = [asPair(a), asPair(b)];
      if (pa && pb) return [pa, pb];
    }
    throw this.bad(key);
  }

  string(key: string, fallback?: string): string {
    const value = this.config[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value === 'string') return value;
    throw this.bad(key);
  }

  number(key: string, fallback?: number): number {
    const value = this.config[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value === 'number') return value;
    throw this.bad(key);
  }

  optionalNumber(key: string): number | undefined {
    const value = this.config[key];
    return typeof value === 'number' ? value : undefined;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.config[key];
    return typeof value === 'boolean' ? value : fallback;
  }

  padding(): PaddingMode {
    const value = this.string('padding', 'valid');
    if (!isPaddingMode(value)) throw this.bad('padding');
    return value;
  }

  /** Activation name of a layer with a fused activation ('linear' when none). */
  activation(): string {
    const value = this.config.activation;
    if (value === undefined || value === null) return 'linear';
    if (typeof value === 'string') return value;
    throw this.bad('activation');
  }
}
