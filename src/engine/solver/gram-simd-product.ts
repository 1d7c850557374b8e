/**
 * The 'simd' kernel of the Gram build: backend/simd/gram-chunk.wat, hand-written WebAssembly SIMD on a
 * memory of its own (single-threaded, whatever the tfjs backend). Rows are copied in as they come,
 * row-major with the columns padded to a multiple of 8; the kernel adds the upper triangle of the
 * chunk's X'X in float32 into a float32 m x m block, which is added into the float64 G and cleared:
 * the same float32-within-a-chunk, float64-across-chunks sums as the 'tf' kernel, without its
 * transpose, upload and XNNPACK weight packing per chunk (N = 60,000, m = 448: 0.55-0.8 s vs 1.0-1.7 s).
 */
import { gramChunkKernel, type GramChunkUpper } from '../backend/simd/simd-kernels';
import type { ChunkProduct } from './chunk-product';

/** Above this many features the float32 m x m block (64 MB at m = 4096) is not worth it: 'tf' serves. */
export const SIMD_MAX_FEATURES = 4096;

export class SimdChunkProduct implements ChunkProduct {
  private constructor(
    private readonly m: number,
    /** m rounded up to a multiple of 8 (the kernel's tile width). */
    private readonly padded: number,
    private readonly kernel: GramChunkUpper,
    /** chunkRows x padded, at byte 0 of the kernel's memory. */
    private readonly chunk: Float32Array,
    /** padded x padded, after the chunk. */
    private readonly block: Float32Array,
  ) {}

  /** Undefined where WebAssembly SIMD is unavailable or m is above SIMD_MAX_FEATURES. */
  static create(m: number, chunkRows: number): SimdChunkProduct | undefined {
    if (m > SIMD_MAX_FEATURES) return undefined;
    const padded = (m + 7) & ~7;
    const chunkBytes = chunkRows * padded * 4;
    const found = gramChunkKernel(chunkBytes + padded * padded * 4);
    if (!found) return undefined;
    const chunk = new Float32Array(found.buffer, 0, chunkRows * padded);
    const block = new Float32Array(found.buffer, chunkBytes, padded * padded);
    return new SimdChunkProduct(m, padded, found.kernel, chunk, block);
  }

  append(rows: Float32Array, from: number, count: number, at: number): void {
    const { m, padded, chunk } = this;
    if (padded === m) {
      chunk.set(rows.subarray(from * m, (from + count) * m), at * m);
      return;
    }
    // The padding columns stay zero: nothing else writes them.
    for (let r = 0; r < count; r++) chunk.set(rows.subarray((from + r) * m, (from + r + 1) * m), (at + r) * padded);
  }

  addProductTo(g: Float64Array, rows: number): void {
    const { m, padded, block } = this;
    this.kernel(0, rows, padded, this.chunk.length * 4);
    for (let i = 0; i < m; i++) {
      const src = i * padded;
      const dst = i * m;
      for (let k = i; k < m; k++) g[dst + k] += block[src + k];
    }
    block.fill(0);
  }
}
