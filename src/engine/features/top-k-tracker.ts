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
    // Stryker disable next-line UnaryOperator: the floor is read only once a list is full, and it is set when the list fills
    this.floor = new Float32Array(featureCount).fill(-Infinity);
  }

  /** values/positions: [batch, m] row-major; firstImage: index of the batch's first image. */
  addBatch(values: Float32Array | Int32Array, positions: Float32Array | Int32Array, batch: number, firstImage: number): void {
    const m = this.featureCount;
    for (let b = 0; b < batch; b++) {
      const row = b * m;
      // Stryker disable next-line EqualityOperator: f = m would insert into feature m, whose slots lie past the typed arrays (count undefined): nothing is written
      for (let f = 0; f < m; f++) {
        const value = values[row + f];
        const full = this.counts[f] === this.k;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: the fast rejection only: insert() rejects the same values (slot >= k), ties at the floor included
        if (full && value <= this.floor[f]) continue;
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
    // Stryker disable next-line EqualityOperator: an extra step at i = slot copies into the slot that is written just below
    for (let i = last; i > slot; i--) {
      this.responses[base + i] = this.responses[base + i - 1];
      this.images[base + i] = this.images[base + i - 1];
      this.positions[base + i] = this.positions[base + i - 1];
    }
    this.responses[base + slot] = response;
    this.images[base + slot] = image;
    this.positions[base + slot] = position;
    if (count < this.k) count = ++this.counts[f];
    // Stryker disable next-line ConditionalExpression: setting the floor always or never gives the same lists: it is read only when full (and reset on every insert then), and insert() rejects what it would
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
