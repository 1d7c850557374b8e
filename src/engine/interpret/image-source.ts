/**
 * Loads dataset images by row index for the visualisation stage, keeping recently used ones:
 * the same top images recur across many features.
 */
import type { Preprocessing } from '../../shared/params';
import { decodeImage, preprocess } from '../data';
import type { DatasetItem } from '../data';

export interface LoadedImage {
  relPath: string;
  /** HWC pixels at the model's input size (0..255). */
  pixels: Uint8Array;
  /** The same pixels preprocessed for the model. */
  input: Float32Array;
}

export class ImageSource {
  private readonly cache = new Map<number, Promise<LoadedImage>>();

  constructor(
    private readonly items: DatasetItem[],
    private readonly shape: { height: number; width: number; channels: 1 | 3 },
    private readonly preprocessing: Preprocessing,
    private readonly capacity = 512,
  ) {}

  load(index: number): Promise<LoadedImage> {
    const hit = this.cache.get(index);
    if (hit) {
      this.cache.delete(index);
      this.cache.set(index, hit);
      return hit;
    }
    const item = this.items[index];
    const loading = decodeImage(item.path, this.shape).then((pixels) => ({
      relPath: item.relPath,
      pixels,
      input: preprocess(pixels, this.shape.channels, this.preprocessing),
    }));
    this.cache.set(index, loading);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as number);
    return loading;
  }
}
