/**
 * Loads dataset images by row index for the visualisation stage, keeping recently used ones:
 * the same top images recur across many features. The files are read a second time here, after
 * the extraction: one that has vanished or become unreadable meanwhile is left out (undefined) and
 * reported once through `onSkip`, never a failed run.
 */
import type { Preprocessing } from '../../shared/params';
import { DecodeBudget, decodeImage, isImageFileError, preprocess } from '../data';
import type { DatasetItem, SkippedFile } from '../data';

export interface LoadedImage {
  relPath: string;
  /** HWC pixels at the model input size (0..255). */
  pixels: Uint8Array;
  /** The same pixels preprocessed for the model. */
  input: Float32Array;
}

export interface ImageSourceOptions {
  /** Images kept in memory; default 512. */
  capacity?: number;
  /** Called once per file that can no longer be read (for the report's skipped list). */
  onSkip?: (file: SkippedFile) => void;
}

export class ImageSource {
  private readonly cache = new Map<number, Promise<LoadedImage | undefined>>();
  /** A feature's top-k images load together: their decodes share one memory budget. */
  private readonly budget = new DecodeBudget();
  private readonly reported = new Set<string>();
  private readonly capacity: number;

  constructor(
    private readonly items: DatasetItem[],
    private readonly shape: { height: number; width: number; channels: 1 | 3 },
    private readonly preprocessing: Preprocessing,
    private readonly options: ImageSourceOptions = {},
  ) {
    this.capacity = options.capacity ?? 512;
  }

  /** The image, or undefined when its file can no longer be read. */
  load(index: number): Promise<LoadedImage | undefined> {
    const hit = this.cache.get(index);
    if (hit) {
      this.cache.delete(index);
      this.cache.set(index, hit);
      return hit;
    }
    const item = this.items[index];
    const loading = decodeImage(item.path, this.shape, { budget: this.budget }).then(
      (pixels) => ({ relPath: item.relPath, pixels, input: preprocess(pixels, this.shape.channels, this.preprocessing) }),
      (error: unknown) => {
        if (!isImageFileError(error)) throw error;
        if (!this.reported.has(item.path)) {
          this.reported.add(item.path);
          this.options.onSkip?.({ path: item.path, code: error.code, reason: error.message });
        }
        return undefined;
      },
    );
    this.cache.set(index, loading);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as number);
    return loading;
  }
}
