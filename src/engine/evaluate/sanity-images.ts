/**
 * The fixed images of the sanity checks: `count` files spread evenly over a folder (class
 * sub-folders or loose images), so that a class-per-folder set gives images of several classes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, isVebiError } from '../../shared/errors';
import { isImageFileName, naturalCompare, scanDataset } from '../data';

export interface PickedImage {
  path: string;
  /** Relative to the folder, '/' separators. */
  relPath: string;
}

/** Every image of `dir` in the scan's order: class folders in natural order, or the loose images. */
async function listFolder(dir: string): Promise<PickedImage[]> {
  try {
    return (await scanDataset(dir)).items.map(({ path: file, relPath }) => ({ path: file, relPath }));
  } catch (error) {
    if (!isVebiError(error) || error.code !== 'DATA_NO_CLASSES') throw error;
  }
  const names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && isImageFileName(e.name)).map((e) => e.name);
  return names.sort(naturalCompare).map((name) => ({ path: path.join(dir, name), relPath: name }));
}

/** `count` images at evenly spaced positions of the folder's list (all of them when it has fewer). */
export async function pickImages(dir: string, count: number): Promise<PickedImage[]> {
  const root = path.resolve(dir);
  const all = await listFolder(root);
  if (all.length === 0) throw new VebiError('DATA_NOT_FOUND', `${root} holds no images to explain.`, root);
  if (all.length <= count) return all;
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}
