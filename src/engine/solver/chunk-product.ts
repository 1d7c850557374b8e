/** What a Gram kernel does with a chunk of feature rows (gram.ts buffers the rows, the kernel sums). */
export interface ChunkProduct {
  /** Copies `count` rows of row-major `rows` (from row `from`) into chunk rows [at, at + count). */
  append(rows: Float32Array, from: number, count: number, at: number): void;
  /** Adds X'X of the first `rows` chunk rows into g's upper triangle (row-major m x m, float64). */
  addProductTo(g: Float64Array, rows: number): void;
}
