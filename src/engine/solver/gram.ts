/**
 * Sufficient statistics of all per-class problems: G = X'X (shared), c_j = X'l_j and y_j'y_j (the
 * class count, labels being 0/1). X arrives as float32 rows, all at once or streamed in batches.
 *
 * Two kernels, measured on N = 60,000, m = 448 (wasm backend, SIMD):
 * - 'tf': tf.matMul on chunks of 1024 rows, float32 inside a chunk, summed in float64, only the
 *   column blocks on or above the diagonal (gram-tf-product.ts): 0.99-1.25 s on two wasm threads
 *   (1.24-1.31 s with one full product per chunk; 2 s on one thread). 2048-row chunks are ~8 %
 *   faster but their float32 sums lose enough precision to change an ill-conditioned fit's
 *   objective at 2e-7 (the solver tests catch it). Relative error of G entries ~2e-7 (vs sqrt(G_ii G_kk)), which moves
 *   the fitted objective by ~1e-14 relative (bench/solver.ts checks it against the 'js' kernel);
 *   exactly symmetric, duplicate columns stay exactly equal, but an exact linear dependency among
 *   columns holds only to ~2e-7 in G while c = X'y is exact (float64): see l1-constrained.ts on what
 *   that does to the KKT check. X' is written by the JS copy into the chunk, not by a wasm transpose
 *   (single-threaded there, and ~4 ms a chunk).
 * - 'js': register-blocked float64 loop: ~5.5 s, exact to float64 rounding. Used on the cpu backend,
 *   whose matMul is slower still, and when exactness of G matters more than time.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { TfChunkProduct } from './gram-tf-product';
import type { L1Problem } from './problem';

export type GramKernel = 'auto' | 'tf' | 'js';

export interface GramOptions {
  /** 'auto' picks 'js' on the cpu backend and 'tf' elsewhere. */
  kernel?: GramKernel;
  /** Rows per product (precision vs. overhead). Default 1024 ('tf'), 256 ('js'). */
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
}

/** Rows per product: 'tf' amortises XNNPACK's weight packing over more rows; 'js' keeps its block in cache. */
const DEFAULT_CHUNK_ROWS = { tf: 1024, js: 256 } as const;
/** Two blocks of 224 for m = 448: 3 of 4 products' work, each right operand packed once. */
const DEFAULT_BLOCK_COLUMNS = 256;

export class GramAccumulator {
  private readonly gram: Float64Array;
  private readonly xty: Float64Array;
  private readonly yty: Float64Array;
  /** The 'js' kernel's chunk (row-major), or the 'tf' kernel's chunk product. */
  private readonly chunk: Float32Array | undefined;
  private readonly tfProduct: TfChunkProduct | undefined;
  private readonly chunkRows: number;
  private readonly kernel: 'tf' | 'js';
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
    const kernel = options.kernel ?? 'auto';
    this.kernel = kernel === 'auto' ? autoKernel() : kernel;
    this.chunkRows = Math.max(1, Math.floor(options.chunkRows ?? DEFAULT_CHUNK_ROWS[this.kernel]));
    const blockColumns = Math.max(1, Math.floor(options.blockColumns ?? DEFAULT_BLOCK_COLUMNS));
    this.gram = new Float64Array(m * m);
    this.xty = new Float64Array(numClasses * m);
    this.yty = new Float64Array(numClasses);
    if (this.kernel === 'tf') this.tfProduct = new TfChunkProduct(m, this.chunkRows, blockColumns);
    else this.chunk = new Float32Array(this.chunkRows * m);
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
      if (this.tfProduct) this.tfProduct.append(rows, r, take, this.buffered);
      else this.chunk?.set(rows.subarray(r * m, (r + take) * m), this.buffered * m);
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
    return { m: this.m, numClasses: this.numClasses, rows: this.total, gram: this.gram, xty: this.xty, yty: this.yty };
  }

  private flush(): void {
    const rows = this.buffered;
    if (rows === 0) return;
    if (this.tfProduct) this.tfProduct.addProductTo(this.gram, rows);
    else if (this.chunk) addProductJs(this.chunk.subarray(0, rows * this.m), rows, this.m, this.gram);
    this.buffered = 0;
  }
}

/** tf.matMul wins on wasm and tfjs-node; the cpu backend's matMul is slower than the JS loop. */
function autoKernel(): 'tf' | 'js' {
  try {
    return tf.getBackend() === 'cpu' ? 'js' : 'tf';
  } catch {
    // No backend ready: the JS loop needs none.
    return 'js';
  }
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

/** Float64 register-blocked (2 x 4) upper triangle of X'X for one chunk, added into g. */
function addProductJs(data: Float32Array, rows: number, m: number, g: Float64Array): void {
  const mp = (m + 3) & ~3;
  const xt = new Float64Array(mp * rows);
  for (let r = 0; r < rows; r++) {
    const off = r * m;
    for (let i = 0; i < m; i++) xt[i * rows + r] = data[off + i];
  }
  for (let i = 0; i < m; i += 2) {
    const a0 = i * rows;
    const a1 = a0 + rows;
    const i1 = i + 1 < m;
    for (let k = i & ~3; k < m; k += 4) {
      const b0 = k * rows;
      const b1 = b0 + rows;
      const b2 = b1 + rows;
      const b3 = b2 + rows;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let r = 0; r < rows; r++) {
        const x0 = xt[a0 + r];
        const x1 = xt[a1 + r];
        const y0 = xt[b0 + r];
        const y1 = xt[b1 + r];
        const y2 = xt[b2 + r];
        const y3 = xt[b3 + r];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      addRow(g, m, i, k, s00, s01, s02, s03);
      if (i1) addRow(g, m, i + 1, k, s10, s11, s12, s13);
    }
  }
}

function addRow(g: Float64Array, m: number, i: number, k: number, s0: number, s1: number, s2: number, s3: number): void {
  const row = i * m;
  if (k >= i && k < m) g[row + k] += s0;
  if (k + 1 >= i && k + 1 < m) g[row + k + 1] += s1;
  if (k + 2 >= i && k + 2 < m) g[row + k + 2] += s2;
  if (k + 3 >= i && k + 3 < m) g[row + k + 3] += s3;
}

function mirrorUpperToLower(g: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    for (let k = i + 1; k < m; k++) g[k * m + i] = g[i * m + k];
  }
}
