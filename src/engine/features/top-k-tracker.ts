/**
 * Keeps, for every feature, the k images with the highest peak response seen so far, streaming:
 * memory is m x k entries whatever the number of images.
 */
export interface TopEntry {
  response: number;
  image: number;
  /** Flat spatial index of the arg-max unit in the layer's map (row-major h * W + w). */
  position: number;
}

export class TopKTracker {
  private readonly responses: Float32Array;
  private readonly images: Int32Array;
  private readonly positions: Int32Array;
  private readonly counts: Uint16Array;
  /** Smallest kept response per feature once its list is full: the fast rejection test. */
  private readonly floor: Float32Array;

  constructor(
    readonly featureCount: number,
    readonly k: number,
  ) {
    this.responses = new Float32Array(featureCount * k);
    this.images = new Int32Array(featureCount * k);
    this.positions = new Int32Array(featureCount * k);
    this.counts = new Uint16Array(featureCount);
    this.floor = new Float32Array(featureCount).fill(-Infinity);
  }

  /** values/positions: [batch, m] row-major; firstImage: index of the batch's first image. */
  addBatch(values: Float32Array | Int32Array, positions: Float32Array | Int32Array, batch: number, firstImage: number): void {
    const m = this.featureCount;
    for (let b = 0; b < batch; b++) {
      const row = b * m;
      for (let f = 0; f < m; f++) {
        const value = values[row + f];
        if (value <= this.floor[f] && this.counts[f] === this.k) continue;
        this.insert(f, value, firstImage + b, positions[row + f]);
      }
    }
  }

  private insert(f: number, response: number, image: number, position: number): void {
    const base = f * this.k;
    let count = this.counts[f];
    // Sorted descending; ties keep the earlier image first so results do not depend on batch size.
    let slot = count;
    while (slot > 0 && this.responses[base + slot - 1] < response) slot--;
    if (slot >= this.k) return;
    const last = Math.min(count, this.k - 1);
    for (let i = last; i > slot; i--) {
      this.responses[base + i] = this.responses[base + i - 1];
      this.images[base + i] = this.images[base + i - 1];
      this.positions[base + i] = this.positions[base + i - 1];
    }
    this.responses[base + slot] = response;
    this.images[base + slot] = image;
    this.positions[base + slot] = position;
    if (count < this.k) count = ++this.counts[f];
    if (count === this.k) this.floor[f] = this.responses[base + this.k - 1];
  }

  top(feature: number): TopEntry[] {
    const base = feature * this.k;
    const result: TopEntry[] = [];
    for (let i = 0; i < this.counts[feature]; i++) {
      result.push({ response: this.responses[base + i], image: this.images[base + i], position: this.positions[base + i] });
    }
    return result;
  }
}
