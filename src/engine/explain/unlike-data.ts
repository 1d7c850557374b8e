/**
 * Is the explained image like the images the model was interpreted on? A model asked about an
 * image unlike its data (dark digits on white where it learned light digits on black, a photo
 * where it learned drawings) answers with confidence all the same. Its brightness and contrast, at
 * the model's input size, are compared with a sample of the interpreted folder; far off, the
 * explanation says so.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isImageFileName } from '../../shared/image-extensions';
import { decodeImage, type ImageShape } from '../data';

export interface PixelStats {
  /** Mean pixel value, 0 (black) to 1 (white). */
  brightness: number;
  /** Standard deviation of the pixel values, 0 to 0.5. */
  contrast: number;
}

export function pixelStats(pixels: Uint8Array): PixelStats {
  let sum = 0;
  let squares = 0;
  for (const p of pixels) {
    sum += p;
    squares += p * p;
  }
  const n = Math.max(1, pixels.length);
  const mean = sum / n;
  return { brightness: mean / 255, contrast: Math.sqrt(Math.max(0, squares / n - mean * mean)) / 255 };
}

/** Sample images per class folder, and in all (the first ones in name order: same sample every time). */
const PER_CLASS = 8;
const MAX_SAMPLE = 64;
/** Fewer sampled images than this: too few to say what the data looks like. */
export const MIN_SAMPLE = 8;
/** Far off: more than this many standard deviations and this much absolutely (a uniform folder has a tiny spread). */
const SIGMAS = 3;
const SLACK = 0.1;

/**
 * Statistics of up to 64 images of the interpreted folder (a few per class). The folder named in a
 * report may have moved or changed: what cannot be read is left out, never an error.
 */
export async function sampleFolderStats(dataDir: string, classes: readonly string[], shape: ImageShape): Promise<PixelStats[]> {
  const perClass = Math.max(1, Math.min(PER_CLASS, Math.floor(MAX_SAMPLE / Math.max(1, classes.length))));
  const stats: PixelStats[] = [];
  for (const name of classes) {
    const folder = path.join(dataDir, name);
    const files = await fs.readdir(folder).then((names) => names.filter(isImageFileName).sort().slice(0, perClass), () => [] as string[]);
    for (const file of files) {
      const pixels = await decodeImage(path.join(folder, file), shape).catch(() => undefined);
      if (pixels) stats.push(pixelStats(pixels));
    }
  }
  return stats;
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

const fixed = (x: number) => x.toFixed(2);

/** The warning for an image unlike the sample, or none (also none when the sample is too small). */
export function unlikeDataWarnings(image: PixelStats, sample: readonly PixelStats[], folder: string): string[] {
  if (sample.length < MIN_SAMPLE) return [];
  const differences: string[] = [];
  for (const [key, label] of [['brightness', 'mean brightness'], ['contrast', 'contrast']] as const) {
    const { mean, std } = meanStd(sample.map((s) => s[key]));
    if (Math.abs(image[key] - mean) > SIGMAS * std + SLACK) differences.push(`its ${label} is ${fixed(image[key])} where theirs is ${fixed(mean)} \u00b1 ${fixed(std)}`);
  }
  if (differences.length === 0) return [];
  const brightness = meanStd(sample.map((s) => s.brightness)).mean;
  const swapped = (image.brightness - 0.5) * (brightness - 0.5) < 0 ? ` The image is mostly ${image.brightness > 0.5 ? 'light' : 'dark'} where the data is mostly ${brightness > 0.5 ? 'light' : 'dark'}: are foreground and background swapped?` : '';
  return [
    `This image is unlike the ${sample.length} images of ${folder} the model was interpreted on (at the model's input size): ${differences.join(', and ')}. The model may never have seen images like it, so its prediction and this explanation may mean little.${swapped}`,
  ];
}
