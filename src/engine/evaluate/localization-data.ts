/**
 * The inputs of the localization evaluation: a folder DIR/images/<class>/<id>.png with its masks at
 * DIR/masks/<class>/<id>.png (the flowers generator's layout; white = the discriminative part), and
 * the interpretation report's weights for the methods that read them.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';
import { decodeImage, preprocess, scanDataset } from '../data';
import type { DatasetItem, ImageShape } from '../data';
import { readFlowersVariant } from '../datasets/flowers/manifest';
import { binarizeMask } from './metrics';

export interface MaskedItem extends DatasetItem {
  /** Absolute path of the image's mask. */
  maskPath: string;
}

export interface MaskedDataset {
  root: string;
  imagesDir: string;
  classes: string[];
  items: MaskedItem[];
  /** The flowers variant (single-6c, double-12c) when DIR/dataset.json names one. */
  variant?: string;
}

const LAYOUT = 'Expected DIR/images/<class>/<id>.png with masks at DIR/masks/<class>/<id>.png (as "vebi dataset flowers" writes).';

/** Scans DIR/images in the report's class order; each image's mask is at the same path under DIR/masks. */
export async function scanMaskedDataset(dir: string, classNames: string[]): Promise<MaskedDataset> {
  const root = path.resolve(dir);
  const imagesDir = path.join(root, 'images');
  const masksDir = path.join(root, 'masks');
  for (const sub of [imagesDir, masksDir]) {
    const st = await fs.stat(sub).catch(() => undefined);
    if (!st?.isDirectory()) throw new VebiError('DATA_NOT_FOUND', `${root} has no ${path.basename(sub)}/ folder. ${LAYOUT}`, sub);
  }
  const dataset = await scanDataset(imagesDir, { classNames });
  const items = dataset.items.map((item) => ({ ...item, maskPath: path.join(masksDir, ...item.relPath.split('/')) }));
  return { root, imagesDir, classes: dataset.classes, items, variant: await readFlowersVariant(root) };
}

/** The image preprocessed for the model, and its mask as 0/1 at the model's input size (nearest-neighbour). */
export async function loadMaskedImage(item: MaskedItem, shape: ImageShape, preprocessing: Preprocessing): Promise<{ input: Float32Array; mask: Uint8Array; maskArea: number }> {
  const [pixels, maskPixels] = await Promise.all([
    decodeImage(item.path, shape),
    decodeImage(item.maskPath, { height: shape.height, width: shape.width, channels: 1 }, { kernel: 'nearest' }),
  ]);
  const mask = binarizeMask(maskPixels);
  return { input: preprocess(pixels, shape.channels, preprocessing), mask, maskArea: mask.reduce((n, v) => n + v, 0) };
}

/** At most `max` items of each class, the first ones in folder order. */
export function limitPerClass<T extends { label: number }>(items: T[], max: number | undefined): T[] {
  if (max === undefined) return items;
  const taken = new Map<number, number>();
  return items.filter((item) => {
    const n = taken.get(item.label) ?? 0;
    taken.set(item.label, n + 1);
    return n < max;
  });
}

/**
 * The output folder is replaced whole: refuse one that holds anything but a previous output of the
 * same evaluation (recognised by `marker`, e.g. localization.json), so a typo cannot delete a folder.
 */
export async function checkReplaceable(dir: string, marker: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new VebiError('BAD_ARGUMENT', `The output ${dir} exists and is not a folder; pass another --out.`, dir);
  }
  if (entries.length === 0 || entries.includes(marker)) return;
  throw new VebiError('BAD_ARGUMENT', `The output folder ${dir} already holds other files (no ${marker}) and would be replaced; pass another --out or empty it.`, dir);
}
