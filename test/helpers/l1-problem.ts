/** Small exact L1 problems for the solver tests, computed independently of the kernels under test. */
import assert from 'node:assert/strict';
import type { L1Problem } from '../../src/engine/solver';
import { seededRandom as prng } from './seeded-random';

/** A standard normal draw (Box-Muller) from a uniform source. */
export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Exact float64 G = X'X, c = X'y, y'y of a small dense X (n x m, row-major). */
export function problemOf(x: Float64Array, y: Float64Array, n: number, m: number): L1Problem {
  const gram = new Float64Array(m * m);
  const xty = new Float64Array(m);
  let yty = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < m; i++) {
      xty[i] += x[r * m + i] * y[r];
      for (let k = 0; k < m; k++) gram[i * m + k] += x[r * m + i] * x[r * m + k];
    }
    yty += y[r] * y[r];
  }
  return { gram, xty, yty, m };
}
/** Scales each row of X to unit L2 norm (as the feature vectors are). */
export function normaliseRows(x: Float64Array | Float32Array, n: number, m: number): void {
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += x[r * m + i] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < m; i++) x[r * m + i] *= inv;
  }
}

/** A small random problem: uniform (non-negative) or gaussian features, about 40 % positives. */
export function randomSmall(seed: number, m: number, n: number, nonNegative: boolean): L1Problem {
  const rand = prng(seed);
  const x = new Float64Array(n * m);
  for (let i = 0; i < x.length; i++) x[i] = nonNegative ? rand() : gaussian(rand);
  normaliseRows(x, n, m);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) y[r] = rand() < 0.4 ? 1 : 0;
  return problemOf(x, y, n, m);
}

/**
 * Data shaped like the real features: non-negative, sparse-ish, class-dependent means, rows L2-normalised,
 * with exact duplicate columns, a collinear column (sum of two others) and all-zero columns.
 */
export function realistic(seed: number, n: number, m: number, numClasses: number): { x: Float32Array; labels: Int32Array } {
  const rand = prng(seed);
  const base = m - 6;
  const prototypes = new Float64Array(numClasses * base);
  for (let i = 0; i < prototypes.length; i++) prototypes[i] = rand() < 0.3 ? rand() * 3 : rand() * 0.3;
  const x = new Float32Array(n * m);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const label = Math.floor(rand() * numClasses);
    labels[r] = label;
    const row = r * m;
    for (let i = 0; i < base; i++) {
      const v = prototypes[label * base + i] * (0.5 + rand()) + (rand() < 0.5 ? 0 : rand() * 0.5);
      x[row + i] = rand() < 0.2 ? 0 : v;
    }
    x[row + base] = x[row + 3]; // duplicates
    x[row + base + 1] = x[row + 3];
    x[row + base + 2] = x[row + 17];
    x[row + base + 3] = x[row + 5] + x[row + 11]; // collinear (exact up to float32 rounding of the sum)
    x[row + base + 4] = 0; // zero columns
    x[row + base + 5] = 0;
  }
  normaliseRows(x, n, m);
  return { x, labels };
}

/** The indices of the non-zero weights. */
export function support(w: Float64Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < w.length; j++) if (w[j] !== 0) out.push(j);
  return out;
}

/** |actual - expected| within rel of |expected| (1e-12 floor). */
export function assertClose(actual: number, expected: number, rel: number, message: string): void {
  const scale = Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= rel * scale, `${message}: ${actual} vs ${expected}`);
}
