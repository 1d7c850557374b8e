/**
 * Reads the layout of an image-folder dataset: one sub-folder per class, images anywhere inside it.
 * Nothing is decoded here; decoding happens batch by batch (batches.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import { isImageFileName } from '../../shared/image-extensions';
import { lexicographicCompare, naturalCompare } from './natural-compare';

export interface DatasetItem {
  /** Absolute path of the image file. */
  path: string;
  /** Path relative to the dataset root, with '/' separators on every platform (for reports). */
  relPath: string;
  /** Index of the item's class in `classes`. */
  label: number;
}

export interface Dataset {
  /** Absolute path of the dataset folder. */
  root: string;
  /** Class folder names; a class's index is its label. */
  classes: string[];
  /** Every image, grouped by class in class order, each class in natural path order. */
  items: DatasetItem[];
}

export interface ScanOptions {
  /**
   * How class folders are ordered when `classNames` is not given. 'natural' (default) puts "2"
   * before "10"; 'lexicographic' matches Python's sorted(), which Keras image_dataset_from_directory
   * and torchvision ImageFolder use, so a model trained that way on folders "0".."10" expects it.
   */
  order?: 'natural' | 'lexicographic';
  /**
   * The model's own class order (for example vebi.json's classNames). Every name must be a folder
   * and every folder must be named; the labels then follow this order exactly.
   */
  classNames?: string[];
}

const LAYOUT_HINT = 'Expected layout: <dataset>/<class name>/<image>.png, one sub-folder per class (for example data/cat/001.jpg, data/dog/002.jpg).';

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

async function statOrUndefined(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch {
    return undefined;
  }
}

/**
 * Image files under `dir`, recursively, skipping hidden entries; symlinked folders are followed
 * once. Whatever else has an image name (a folder "x.png", a FIFO, a device, a link to one or to
 * nothing) is listed too: decoding refuses it, and a run that skips bad files then says so instead
 * of ignoring it silently.
 */
async function listImages(dir: string, seen: Set<string>, fenced: (real: string) => boolean = () => false): Promise<string[]> {
  const real = await fs.realpath(dir);
  if (seen.has(real)) return []; // a symlink loop or a folder linked twice: count its images once
  if (fenced(real)) return []; // a link to the dataset itself or into another class: its images are not this class's
  seen.add(real);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (isImageFileName(entry.name)) out.push(full);
    else if (entry.isDirectory() || (entry.isSymbolicLink() && (await statOrUndefined(full))?.isDirectory())) out.push(...(await listImages(full, seen, fenced)));
  }
  return out;
}

function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}

async function classFolders(root: string): Promise<{ folders: string[]; looseImages: number }> {
  const entries = await fs.readdir(root, { withFileTypes: true });
  const folders: string[] = [];
  let looseImages = 0;
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) isDir = (await statOrUndefined(path.join(root, entry.name)))?.isDirectory() ?? false;
    if (isDir) folders.push(entry.name);
    else if (isImageFileName(entry.name)) looseImages++;
  }
  return { folders, looseImages };
}

function orderClasses(folders: string[], root: string, options: ScanOptions): string[] {
  const { classNames } = options;
  if (!classNames) return [...folders].sort(options.order === 'lexicographic' ? lexicographicCompare : naturalCompare);
  const present = new Set(folders);
  const missing = classNames.filter((n) => !present.has(n));
  if (missing.length > 0) {
    throw new VebiError(
      'DATA_NOT_FOUND',
      `The model's class names include ${missing.map((n) => `"${n}"`).join(', ')} but ${root} has no such sub-folder. Rename the class folders to match the class names (vebi.json "classNames"), or fix the list.`,
      path.join(root, missing[0]),
    );
  }
  const named = new Set(classNames);
  const extra = folders.filter((f) => !named.has(f));
  if (extra.length > 0) {
    throw new VebiError(
      'CLASS_COUNT_MISMATCH',
      `${root} has ${folders.length} class folders but the model's class names list ${classNames.length}; not listed: ${extra.map((n) => `"${n}"`).join(', ')}. Remove those folders or add them to vebi.json "classNames".`,
      root,
    );
  }
  return [...classNames];
}

export async function scanDataset(dir: string, options: ScanOptions = {}): Promise<Dataset> {
  const root = path.resolve(dir);
  const st = await statOrUndefined(root);
  if (!st) {
    throw new VebiError('DATA_NOT_FOUND', `Dataset folder ${root} does not exist. Check the path (it is resolved from the current folder). ${LAYOUT_HINT}`, root);
  }
  if (!st.isDirectory()) {
    throw new VebiError('DATA_NOT_FOUND', `${root} is a file, not a folder. Point to the folder that holds one sub-folder per class. ${LAYOUT_HINT}`, root);
  }
  const { folders, looseImages } = await classFolders(root);
  if (folders.length === 0) {
    const loose = looseImages > 0 ? ` It holds ${looseImages} image(s) directly; move them into one sub-folder per class.` : '';
    throw new VebiError('DATA_NO_CLASSES', `${root} has no class sub-folders.${loose} ${LAYOUT_HINT}`, root);
  }
  const classes = orderClasses(folders, root, options);
  const items: DatasetItem[] = [];
  const seen = new Set<string>();
  const realRoot = await fs.realpath(root);
  const realClasses = await Promise.all(classes.map((name) => fs.realpath(path.join(root, name))));
  const within = (folder: string, p: string) => p === folder || p.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
  for (let label = 0; label < classes.length; label++) {
    const classDir = path.join(root, classes[label]);
    // Inside a class folder, a linked folder is not followed when it is the dataset (or holds it) or lies in another class.
    const fenced = (real: string) => within(real, realRoot) || realClasses.some((other, j) => j !== label && within(other, real));
    const files = await listImages(classDir, seen, fenced);
    if (files.length === 0) {
      throw new VebiError(
        'DATA_EMPTY_CLASS',
        `Class folder ${classDir} holds no images (looked for .png, .jpg, .jpeg, .webp, .gif, .tif, .tiff, .avif, recursively; hidden files are ignored). Add images or remove the folder.`,
        classDir,
      );
    }
    const rel = files.map((f) => ({ path: f, relPath: toPosix(path.relative(root, f)) }));
    rel.sort((a, b) => naturalCompare(a.relPath, b.relPath));
    for (const r of rel) items.push({ path: r.path, relPath: r.relPath, label });
  }
  return { root, classes, items };
}

/** The class folder an item was found in: the first segment of its relPath, under the dataset root. */
export function classFolderOf(item: DatasetItem): string {
  const root = item.path.slice(0, item.path.length - item.relPath.length);
  return path.join(root, item.relPath.split('/')[0]);
}

/** The model's output size must equal the number of class folders, or labels mean nothing. */
export function checkClassCount(classes: readonly string[], numClasses: number, dir: string): void {
  if (classes.length === numClasses) return;
  throw new VebiError(
    'CLASS_COUNT_MISMATCH',
    `The dataset ${dir} has ${classes.length} class folders but the model predicts ${numClasses} classes. Use a dataset with one sub-folder per model class (in the model's class order), or the model trained on it.`,
    dir,
  );
}
