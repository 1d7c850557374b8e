/**
 * The relevant-feature solver at MNIST scale: synthetic non-negative, row-normalised X with
 * N = 60,000 rows, m = 448 features, 10 classes (class prototypes plus noise, ~20% zeros, a few
 * duplicate and zero columns). Times the Gram build, the 10 non-negative and the 10 signed solves
 * at mu = 10 (first run, then again with the JIT warm), and reports the largest KKT violation; the
 * 'tf' (XNNPACK) Gram kernel is timed on the same rows for comparison.
 * Run directly:
 *   node --import tsx bench/solver.ts [--backend auto|wasm|cpu|tensorflow] [--kernel auto|tf|js] [--mu 10]
 */
import { selectBackend } from '../src/engine/backend/select-backend';
import { buildGram, solveAllClasses, type GramData, type GramKernel } from '../src/engine/solver';
import type { BackendChoice } from '../src/shared/params';
import { seededRandom as prng } from '../test/helpers/seeded-random';

export interface SolverBenchOptions {
  rows?: number;
  features?: number;
  classes?: number;
  mu?: number;
  kernel?: GramKernel;
  seed?: number;
}


function syntheticFeatures(n: number, m: number, classes: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rand = prng(seed);
  const prototypes = new Float64Array(classes * m);
  for (let i = 0; i < prototypes.length; i++) prototypes[i] = rand() < 0.3 ? rand() * 3 : rand() * 0.3;
  const x = new Float32Array(n * m);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const label = Math.floor(rand() * classes);
    labels[r] = label;
    const row = r * m;
    let norm = 0;
    for (let i = 0; i < m - 4; i++) {
      const v = rand() < 0.2 ? 0 : prototypes[label * m + i] * (0.5 + rand()) + rand() * 0.25;
      x[row + i] = v;
      norm += v * v;
    }
    x[row + m - 4] = x[row];
    x[row + m - 3] = x[row + 1];
    norm += x[row] ** 2 + x[row + 1] ** 2;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < m; i++) x[row + i] *= inv;
  }
  return { x, labels };
}

export async function benchSolver(options: SolverBenchOptions = {}): Promise<Record<string, number | string>> {
  const n = options.rows ?? 60000;
  const m = options.features ?? 448;
  const classes = options.classes ?? 10;
  const mu = options.mu ?? 10;
  const { x, labels } = syntheticFeatures(n, m, classes, options.seed ?? 1);

  let t = performance.now();
  const data = buildGram(x, labels, m, classes, { kernel: options.kernel ?? 'auto' });
  const gramMs = performance.now() - t;

  t = performance.now();
  const positive = await solveAllClasses(data, { mu, nonNegative: true });
  const nonNegativeMs = performance.now() - t;
  t = performance.now();
  const signed = await solveAllClasses(data, { mu, nonNegative: false });
  const signedMs = performance.now() - t;
  // Again, with the JIT warm: what a second run in the same process costs.
  t = performance.now();
  await solveAllClasses(data, { mu, nonNegative: true });
  await solveAllClasses(data, { mu, nonNegative: false });
  const warmMs = performance.now() - t;

  // The XNNPACK product on the same rows, for comparison (what 'auto' took before the SIMD kernel).
  t = performance.now();
  buildGram(x, labels, m, classes, { kernel: 'tf' });
  const gramTfMs = performance.now() - t;

  // The same fits on an exact (float64) Gram matrix: how far the fast kernel's objective is from exact.
  const exact = buildGram(x, labels, m, classes, { kernel: 'js' });
  const exactPositive = await solveAllClasses(exact, { mu, nonNegative: true });
  let objectiveExcess = 0;
  for (let j = 0; j < classes; j++) {
    const fast = objective(exact, positive[j].w, j);
    const best = objective(exact, exactPositive[j].w, j);
    objectiveExcess = Math.max(objectiveExcess, (fast - best) / Math.abs(best));
  }

  const all = [...positive, ...signed];
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const nonZeros = (w: Float64Array): number => w.reduce((count, v) => count + (v !== 0 ? 1 : 0), 0);
  return {
    rows: n,
    features: m,
    classes,
    mu,
    gramKernel: data.kernel,
    gramMs,
    gramTfKernelMs: gramTfMs,
    nonNegativeSolvesMs: nonNegativeMs,
    signedSolvesMs: signedMs,
    totalSolvesMs: nonNegativeMs + signedMs,
    totalSolvesWarmMs: warmMs,
    maxKktViolation: Math.max(...all.map((s) => s.kktViolation)),
    meanSupportNonNegative: mean(positive.map((s) => nonZeros(s.w))),
    meanSupportSigned: mean(signed.map((s) => nonZeros(s.w))),
    meanIterationsNonNegative: mean(positive.map((s) => s.iterations)),
    meanIterationsSigned: mean(signed.map((s) => s.iterations)),
    notConverged: all.filter((s) => !s.converged).length,
    objectiveExcess,
  };
}

/** ||l_j - X w||^2 from exact statistics: l'l - 2 w'c + w'Gw (float64). */
function objective(data: GramData, w: Float64Array, j: number): number {
  const { m } = data;
  const support = [...w.keys()].filter((i) => w[i] !== 0);
  let wc = 0;
  let wgw = 0;
  for (const a of support) {
    wc += w[a] * data.xty[j * m + a];
    for (const b of support) wgw += w[a] * w[b] * data.gram[a * m + b];
  }
  return data.yty[j] - 2 * wc + wgw;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (require.main === module) {
  void (async () => {
    const backend = await selectBackend((argument('--backend') ?? 'wasm') as BackendChoice);
    const mu = argument('--mu');
    const result = await benchSolver({ kernel: (argument('--kernel') ?? 'auto') as GramKernel, ...(mu ? { mu: Number(mu) } : {}) });
    console.log(JSON.stringify({ backend, ...result }, null, 2));
  })();
}
