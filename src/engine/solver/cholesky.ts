/**
 * Cholesky factor L (lower, L L' = G_AA) of the Gram matrix restricted to an ordered active set,
 * updated when a column joins (with a rank check) or leaves (Givens re-triangularisation).
 * Storage is row-major with a growable stride so that rows are contiguous for the solves.
 */
export class IncrementalCholesky {
  private stride: number;
  private data: Float64Array;
  private n = 0;
  private readonly scratch: { z: Float64Array };

  constructor(
    private readonly gram: Float64Array,
    private readonly m: number,
    initialCapacity = 16,
  ) {
    this.stride = Math.max(1, Math.min(initialCapacity, m));
    this.data = new Float64Array(this.stride * this.stride);
    this.scratch = { z: new Float64Array(this.stride) };
  }

  get size(): number {
    return this.n;
  }

  /**
   * Appends column j given the current active indices (same order as the factor). Returns false and
   * leaves the factor untouched when x_j lies (numerically) in the span of the active columns.
   */
  tryAppend(active: ArrayLike<number>, j: number, rankTolerance: number): boolean {
    const n = this.n;
    if (n + 1 > this.stride) this.grow(Math.min(this.m, Math.max(n + 1, this.stride * 2)));
    const { gram, m, stride, data } = this;
    const z = this.scratch.z;
    const rowJ = j * m;
    // Forward solve L z = G[A, j].
    let zz = 0;
    for (let i = 0; i < n; i++) {
      let s = gram[rowJ + active[i]];
      const li = i * stride;
      for (let k = 0; k < i; k++) s -= data[li + k] * z[k];
      const zi = s / data[li + i];
      z[i] = zi;
      zz += zi * zi;
    }
    const diag = gram[rowJ + j];
    const d2 = diag - zz;
    if (!(diag > 0) || !(d2 > rankTolerance * diag)) return false;
    const ln = n * stride;
    for (let k = 0; k < n; k++) data[ln + k] = z[k];
    data[ln + n] = Math.sqrt(d2);
    this.n = n + 1;
    return true;
  }

  /** Removes the p-th active column: delete row p, then rotate columns to restore triangularity. */
  remove(p: number): void {
    const { stride, data } = this;
    const n = this.n;
    for (let i = p; i < n - 1; i++) {
      const dst = i * stride;
      const src = (i + 1) * stride;
      for (let k = 0; k <= i + 1; k++) data[dst + k] = data[src + k];
    }
    for (let col = p; col < n - 1; col++) {
      const a = data[col * stride + col];
      const b = data[col * stride + col + 1];
      const r = Math.hypot(a, b);
      const c = a / r;
      const s = b / r;
      for (let i = col; i < n - 1; i++) {
        const off = i * stride;
        const x = data[off + col];
        const y = data[off + col + 1];
        data[off + col] = c * x + s * y;
        data[off + col + 1] = -s * x + c * y;
      }
      data[col * stride + col + 1] = 0;
    }
    for (let i = 0; i < n - 1; i++) data[i * stride + n - 1] = 0;
    this.n = n - 1;
  }

  /** Solves L L' x = b in place (first `size` entries of b). */
  solveInPlace(b: Float64Array): void {
    const { stride, data } = this;
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const li = i * stride;
      let s = b[i];
      for (let k = 0; k < i; k++) s -= data[li + k] * b[k];
      b[i] = s / data[li + i];
    }
    // Backward by rows of L (contiguous): x_i = z_i / L_ii, then z_k -= L_ik x_i for k < i.
    for (let i = n - 1; i >= 0; i--) {
      const li = i * stride;
      const xi = b[i] / data[li + i];
      b[i] = xi;
      for (let k = 0; k < i; k++) b[k] -= data[li + k] * xi;
    }
  }

  private grow(capacity: number): void {
    const next = new Float64Array(capacity * capacity);
    for (let i = 0; i < this.n; i++) next.set(this.data.subarray(i * this.stride, i * this.stride + i + 1), i * capacity);
    this.data = next;
    this.stride = capacity;
    this.scratch.z = new Float64Array(capacity);
  }
}

/**
 * Dense Cholesky of the k x k matrix a (row-major, overwritten by L). Returns false when a pivot falls
 * below rankTolerance times its diagonal entry (the matrix is singular to working precision).
 */
export function choleskyInPlace(a: Float64Array, k: number, rankTolerance: number): boolean {
  for (let i = 0; i < k; i++) {
    const li = i * k;
    for (let j = 0; j <= i; j++) {
      const lj = j * k;
      let s = a[li + j];
      for (let p = 0; p < j; p++) s -= a[li + p] * a[lj + p];
      if (i === j) {
        const diag = a[li + i];
        if (!(s > rankTolerance * Math.abs(diag)) || !(diag > 0)) return false;
        a[li + i] = Math.sqrt(s);
      } else {
        a[li + j] = s / a[lj + j];
      }
    }
    for (let j = i + 1; j < k; j++) a[li + j] = 0;
  }
  return true;
}

/** Solves L L' x = b in place with a factor from choleskyInPlace. */
export function choleskySolveInPlace(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const li = i * k;
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[li + p] * b[p];
    b[i] = s / l[li + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    const li = i * k;
    const xi = b[i] / l[li + i];
    b[i] = xi;
    for (let p = 0; p < i; p++) b[p] -= l[li + p] * xi;
  }
}
