/** Small exact L1 problems for the solver tests, computed independently of the kernels under test. */
import type { L1Problem } from '../../src/engine/solver';

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
