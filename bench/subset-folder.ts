/** A class-balanced subset of an image folder for the growth-in-N figures. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The first images of each class as hard links (cheap to stat, unlike symlinks), in `target`. */
export async function subsetFolder(source: string, limit: number, target: string): Promise<string> {
  await fs.rm(target, { recursive: true, force: true });
  const classes = (await fs.readdir(source, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  const perClass = Math.ceil(limit / classes.length);
  for (const name of classes) {
    await fs.mkdir(path.join(target, name), { recursive: true });
    const files = (await fs.readdir(path.join(source, name))).filter((f) => !f.startsWith('.')).sort().slice(0, perClass);
    await Promise.all(files.map((f) => fs.link(path.resolve(source, name, f), path.join(target, name, f))));
  }
  return target;
}
