/**
 * The 'js' kernel of the Gram build: a register-blocked float64 loop, exact to float64 rounding and
 * slow (~5.5 s at N = 60,000, m = 448). For when exactness of G matters more than time, and where
 * neither WebAssembly SIMD nor a tfjs backend is there.
 */
import type { ChunkProduct } from './chunk-product';

export class JsChunkProduct implements ChunkProduct {
  /** chunkRows x m, row-major. */
  private readonly chunk: Float32Array;

  constructor(
    private readonly m: number,
    chunkRows: number,
  ) {
    this.chunk = new Float32Array(chunkRows * m);
  }

  append(rows: Float32Array, from: number, count: number, at: number): void {
    const { m } = this;
    this.chunk.set(rows.subarray(from * m, (from + count) * m), at * m);
  }

  addProductTo(g: Float64Array, rows: number): void {
    addProductJs(this.chunk.subarray(0, rows * this.m), rows, this.m, g);
  }
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
