/**
 * The 'tf' kernel of the Gram build: X'X of a chunk of rows through tf.matMul (XNNPACK on wasm),
 * one product per column block pair on or above the diagonal (3 of 4 products' work for two blocks).
 * The chunk is kept twice, as the products want it, both written by the JS copy that receives the
 * rows: transposed (m x chunkRows: block i's left operand is a contiguous run of rows) and split by
 * column block (rows x width each: block j's right operand). So no operand is sliced or transposed
 * on the backend, and each right operand is packed by XNNPACK once for all its products.
 */
import * as tf from '@tensorflow/tfjs';
import type { ChunkProduct } from './chunk-product';

/** Rows transposed together (see append). */
const TILE = 16;

interface ColumnBlock {
  start: number;
  width: number;
  /** chunkRows x width, row-major. */
  rows: Float32Array;
}

export class TfChunkProduct implements ChunkProduct {
  /** m x chunkRows: the chunk transposed. */
  private readonly transposed: Float32Array;
  private readonly blocks: ColumnBlock[] = [];

  constructor(
    private readonly m: number,
    private readonly chunkRows: number,
    blockColumns: number,
  ) {
    this.transposed = new Float32Array(m * chunkRows);
    const count = Math.ceil(m / blockColumns);
    // Equal widths: two blocks of 224 rather than 256 + 192, so the products are alike.
    const width = Math.ceil(m / count);
    for (let start = 0; start < m; start += width) {
      const w = Math.min(width, m - start);
      this.blocks.push({ start, width: w, rows: new Float32Array(chunkRows * w) });
    }
  }

  /** Copies `count` rows of row-major `rows` (from row `from`) into chunk rows [at, at + count). */
  append(rows: Float32Array, from: number, count: number, at: number): void {
    const { m, chunkRows, transposed } = this;
    // The transpose goes TILE rows at a time, so each write fills a run of a cache line instead of
    // touching m lines per row (append ~15 % faster at m = 448).
    for (let r0 = 0; r0 < count; r0 += TILE) {
      const r1 = Math.min(count, r0 + TILE);
      for (let i = 0; i < m; i++) {
        const dst = i * chunkRows + at;
        for (let r = r0, src = (from + r0) * m + i; r < r1; r++, src += m) transposed[dst + r] = rows[src];
      }
    }
    for (const block of this.blocks) {
      if (block.width === m) {
        block.rows.set(rows.subarray(from * m, (from + count) * m), at * m);
        continue;
      }
      for (let r = 0; r < count; r++) {
        const src = (from + r) * m + block.start;
        block.rows.set(rows.subarray(src, src + block.width), (at + r) * block.width);
      }
    }
  }

  /** Adds X'X of the first `rows` chunk rows into g's upper triangle (row-major m x m). */
  addProductTo(g: Float64Array, rows: number): void {
    const { m, chunkRows, transposed } = this;
    tf.tidy(() => {
      const rights = this.blocks.map((b) => tf.tensor2d(b.rows.subarray(0, rows * b.width), [rows, b.width]));
      for (const [bi, left] of this.blocks.entries()) {
        const leftValues = rows === chunkRows ? transposed.subarray(left.start * chunkRows, (left.start + left.width) * chunkRows) : compactRows(transposed, left.start, left.width, chunkRows, rows);
        const leftTensor = tf.tensor2d(leftValues, [left.width, rows]);
        for (let bj = bi; bj < this.blocks.length; bj++) {
          const right = this.blocks[bj];
          const product = tf.matMul(leftTensor, rights[bj]);
          const values = product.dataSync();
          product.dispose();
          for (let p = 0; p < left.width; p++) {
            const row = (left.start + p) * m + right.start;
            const src = p * right.width;
            // Only entries on or above the diagonal are kept; the lower triangle is mirrored at the end.
            for (let q = bi === bj ? p : 0; q < right.width; q++) g[row + q] += values[src + q];
          }
        }
        leftTensor.dispose();
      }
    });
  }
}

/** Rows [start, start + count) of an (any x stride) matrix, each cut to its first `length` values. */
function compactRows(matrix: Float32Array, start: number, count: number, stride: number, length: number): Float32Array {
  const out = new Float32Array(count * length);
  for (let r = 0; r < count; r++) out.set(matrix.subarray((start + r) * stride, (start + r) * stride + length), r * length);
  return out;
}
