/**
 * Test fixture: a small synthetic image-folder dataset, generated on the fly (never downloaded).
 * Class k = a bright square at a class-specific position on dark noise, so a model can learn it and
 * an explanation has a known place to point at.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writePng } from '../../src/engine/image';
import { seededRandom } from './seeded-random';

export interface ImageFolderOptions {
  classes: number;
  perClass: number;
  /** Square side, or height and width. */
  size: number | { height: number; width: number };
  channels: 1 | 3;
  /** Custom drawing: h x w x channels pixels for image `index` of class `label`. */
  draw?: (label: number, index: number, rng: () => number) => Uint8Array;
  /** Folder names; default "0", "1", ... (natural order = label order). */
  classNames?: string[];
  seed?: number;
}

export interface ImageFolder {
  root: string;
  classes: string[];
  files: { path: string; label: number }[];
  height: number;
  width: number;
}


/** Top-left corner of class k's square: classes spread over a grid covering the image. */
export function squarePosition(label: number, classes: number, height: number, width: number): { top: number; left: number; side: number } {
  const grid = Math.ceil(Math.sqrt(classes));
  const side = Math.max(2, Math.floor(Math.min(height, width) / (grid + 1)));
  const row = Math.floor(label / grid);
  const col = label % grid;
  const top = Math.round(((row + 0.5) * height) / grid - side / 2);
  const left = Math.round(((col + 0.5) * width) / grid - side / 2);
  return { top: Math.max(0, Math.min(height - side, top)), left: Math.max(0, Math.min(width - side, left)), side };
}

function drawSquare(label: number, classes: number, height: number, width: number, channels: number, rng: () => number): Uint8Array {
  const px = new Uint8Array(height * width * channels);
  for (let i = 0; i < px.length; i++) px[i] = Math.floor(rng() * 40);
  const { top, left, side } = squarePosition(label, classes, height, width);
  const tint = channels === 3 ? [200 + ((label * 37) % 56), 200 + ((label * 71) % 56), 200 + ((label * 13) % 56)] : [230];
  for (let y = top; y < top + side; y++) {
    for (let x = left; x < left + side; x++) {
      for (let c = 0; c < channels; c++) px[(y * width + x) * channels + c] = Math.min(255, tint[c] + Math.floor(rng() * 20));
    }
  }
  return px;
}

export async function makeImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
  const { height, width } = typeof options.size === 'number' ? { height: options.size, width: options.size } : options.size;
  const classes = options.classNames ?? Array.from({ length: options.classes }, (_, k) => String(k));
  if (classes.length !== options.classes) throw new Error(`makeImageFolder: ${classes.length} class names for ${options.classes} classes.`);
  const root = path.resolve(dir);
  const files: ImageFolder['files'] = [];
  const writes: Promise<void>[] = [];
  for (let label = 0; label < options.classes; label++) {
    await fs.mkdir(path.join(root, classes[label]), { recursive: true });
    for (let i = 0; i < options.perClass; i++) {
      const rng = seededRandom((options.seed ?? 1) * 100_003 + label * 1009 + i);
      const pixels = options.draw ? options.draw(label, i, rng) : drawSquare(label, options.classes, height, width, options.channels, rng);
      const file = path.join(root, classes[label], `img-${String(i).padStart(4, '0')}.png`);
      files.push({ path: file, label });
      writes.push(writePng(file, pixels, width, height, options.channels));
    }
  }
  await Promise.all(writes);
  return { root, classes, files, height, width };
}
