/**
 * Sufficient statistics of all per-class problems: G = X'X (shared), c_j = X'l_j and y_j'y_j (the
 * class count, labels being 0/1). X arrives as float32 rows, all at once or streamed in batches.
 *
 * Three kernels for G, measured on N = 60,000, m = 448 (2 cores):
 * - 'simd': a WebAssembly SIMD kernel on its own memory, single-threaded (gram-simd-product.ts):
 *   0.55-0.8 s. Float32 sums inside chunks of 1024 rows, float64 across chunks.
 * - 'tf': tf.matMul (XNNPACK on wasm, two threads) on the same chunks, only the column blocks on or
 *   above the diagonal (gram-tf-product.ts): 1.0-1.3 s, half of it transposing, uploading and
 *   packing each chunk. Used with tfjs-node, whose native GEMM is multi-threaded.
 * - 'js': register-blocked float64 loop (gram-js-product.ts): ~5.5 s, exact to float64 rounding.
 * The float32 kernels: relative error of G entries ~2e-7 (vs sqrt(G_ii G_kk)), which moves the fitted
 * objective by ~1e-13 relative (bench/solver.ts checks it against 'js'); exactly symmetric, duplicate
 * columns stay exactly equal, but an exact linear dependency among columns holds only to ~2e-7 in G
 * while c = X'y is exact (float64): see l1-constrained.ts on what that does to the KKT check.
 * 2048-row chunks lose enough precision to change an ill-conditioned fit's objective at 2e-7 (the
 * solver tests catch it).
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import type { ChunkProduct } from './chunk-product';
import { JsChunkProduct } from './gram-js-product';
import { SIMD_MAX_FEATURES, SimdChunkProduct } from './gram-simd-product';
import { TfChunkProduct } from './gram-tf-product';
import type { L1Problem } from './problem';

export type GramKernel = 'auto' | 'simd' | 'tf' | 'js';

export interface GramOptions {
  /** 'auto': 'tf' on tfjs-node, else 'simd' where WebAssembly SIMD runs, else 'js' on the cpu backend and 'tf' elsewhere. */
  kernel?: GramKernel;
  /** Rows per product (precision vs. overhead). Default 1024 ('simd', 'tf'), 256 ('js'). */
  chunkRows?: number;
  /** 'tf': columns per block product (at most; blocks are equal); blocks below the diagonal are skipped. Default 256. */
  blockColumns?: number;
}

export interface GramData {
  m: number;
  numClasses: number;
  /** N: rows accumulated. */
  rows: number;
  /** G = X'X, row-major m x m, symmetric. */
  gram: Float64Array;
  /** X'l_j for class j at [j m, (j + 1) m). */
  xty: Float64Array;
  /** l_j'l_j: rows of class j. */
  yty: Float64Array;
  /** The kernel that built G. */
  kernel: Exclude<GramKernel, 'auto'>;
}

/** Rows per product: float32 sums stay precise enough (see above); 'js' keeps its block in cache. */
const DEFAULT_CHUNK_ROWS = { simd: 1024, tf: 1024, js: 256 } as const;
/** Two blocks of 224 for m = 448: 3 of 4 products' work, each right operand packed once. */
const DEFAULT_BLOCK_COLUMNS = 256;

export class GramAccumulator {
  private readonly gram: Float64Array;
  private readonly xty: Float64Array;
  private readonly yty: Float64Array;
  private readonly product: ChunkProduct;
  private readonly chunkRows: number;
  readonly kernel: Exclude<GramKernel, 'auto'>;
  private buffered = 0;
  private total = 0;
  private finished = false;

  constructor(
    readonly m: number,
    readonly numClasses: number,
    options: GramOptions = {},
  ) {
    if (!Number.isInteger(m) || m < 1) throw new VebiError('BAD_ARGUMENT', `Feature count must be a positive integer, got ${m}.`);
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new VebiError('BAD_ARGUMENT', `Class count must be a positive integer, got ${numClasses}.`);
    }
    ({ kernel: this.kernel, product: this.product, chunkRows: this.chunkRows } = createProduct(m, options));
    this.gram = new Float64Array(m * m);
    this.xty = new Float64Array(numClasses * m);
    this.yty = new Float64Array(numClasses);
  }

  get rows(): number {
    return this.total;
  }

  /** Adds a batch: `rows` is row-major (labels.length x m), labels in 0..numClasses-1. */
  add(rows: Float32Array, labels: Int32Array): void {
    if (this.finished) throw new VebiError('INTERNAL', 'GramAccumulator.add after finish().');
    const { m, numClasses } = this;
    const n = labels.length;
    if (rows.length !== n * m) {
      throw new VebiError('BAD_ARGUMENT', `Batch has ${rows.length} values for ${n} labels of ${m} features.`);
    }
    for (let r = 0; r < n; r++) {
      const label = labels[r];
      if (!(label >= 0 && label < numClasses)) {
        throw new VebiError('BAD_ARGUMENT', `Label ${label} at row ${r} is outside 0..${numClasses - 1}.`);
      }
    }
    const { xty, yty } = this;
    for (let r = 0; r < n; r++) {
      const label = labels[r];
      const off = r * m;
      const cls = label * m;
      for (let i = 0; i < m; i++) xty[cls + i] += rows[off + i];
      yty[label] += 1;
    }
    let r = 0;
    while (r < n) {
      const take = Math.min(n - r, this.chunkRows - this.buffered);
      this.product.append(rows, r, take, this.buffered);
      this.buffered += take;
      r += take;
      if (this.buffered === this.chunkRows) this.flush();
    }
    this.total += n;
  }

  /** Returns the statistics; the accumulator cannot be used afterwards. */
  finish(): GramData {
    if (!this.finished) {
      this.flush();
      this.finished = true;
      mirrorUpperToLower(this.gram, this.m);
    }
    return { m: this.m, numClasses: this.numClasses, rows: this.total, gram: this.gram, xty: this.xty, yty: this.yty, kernel: this.kernel };
  }

  private flush(): void {
    const rows = this.buffered;
    if (rows === 0) return;
    this.product.addProductTo(this.gram, rows);
    this.buffered = 0;
  }
}

/** The tfjs backend's name, or undefined when none is ready. */
function backendName(): string | undefined {
  try {
    return tf.getBackend();
  } catch {
    return undefined;
  }
}

/** The kernel asked for, or for 'auto' the fastest one here (see above), with its chunk product. */
function createProduct(m: number, options: GramOptions): { kernel: Exclude<GramKernel, 'auto'>; product: ChunkProduct; chunkRows: number } {
  const requested = options.kernel ?? 'auto';
  const rowsFor = (kernel: keyof typeof DEFAULT_CHUNK_ROWS) => Math.max(1, Math.floor(options.chunkRows ?? DEFAULT_CHUNK_ROWS[kernel]));
  if (requested === 'simd' || (requested === 'auto' && backendName() !== 'tensorflow')) {
    const product = SimdChunkProduct.create(m, rowsFor('simd'));
    if (product) return { kernel: 'simd', product, chunkRows: rowsFor('simd') };
    if (requested === 'simd') {
      throw new VebiError('BAD_ARGUMENT', `The 'simd' Gram kernel needs WebAssembly SIMD and at most ${SIMD_MAX_FEATURES} features (got ${m}); use 'tf' or 'js'.`);
    }
  }
  const kernel = requested === 'tf' || requested === 'js' ? requested : fallbackKernel();
  const chunkRows = rowsFor(kernel);
  const blockColumns = Math.max(1, Math.floor(options.blockColumns ?? DEFAULT_BLOCK_COLUMNS));
  return { kernel, product: kernel === 'tf' ? new TfChunkProduct(m, chunkRows, blockColumns) : new JsChunkProduct(m, chunkRows), chunkRows };
}

/** Without SIMD: tf.matMul wins on wasm and tfjs-node; the cpu backend's matMul is slower than the JS loop. */
function fallbackKernel(): 'tf' | 'js' {
  const name = backendName();
  return name === undefined || name === 'cpu' ? 'js' : 'tf';
}

/** One-shot: the statistics of X (row-major N x m) with labels. */
export function buildGram(x: Float32Array, labels: Int32Array, m: number, numClasses: number, options: GramOptions = {}): GramData {
  const acc = new GramAccumulator(m, numClasses, options);
  acc.add(x, labels);
  return acc.finish();
}

/** Class j's problem, sharing G and viewing c_j without a copy. */
export function classProblem(data: GramData, j: number): L1Problem {
  if (!(Number.isInteger(j) && j >= 0 && j < data.numClasses)) {
    throw new VebiError('BAD_ARGUMENT', `Class ${j} is outside 0..${data.numClasses - 1}.`);
  }
  return { gram: data.gram, xty: data.xty.subarray(j * data.m, (j + 1) * data.m), yty: data.yty[j], m: data.m };
}

function mirrorUpperToLower(g: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    for (let k = i + 1; k < m; k++) g[k * m + i] = g[i * m + k];
  }
}
