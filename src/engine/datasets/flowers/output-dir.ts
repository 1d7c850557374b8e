/** The output folder may be new, empty, or a previous flowers dataset; anything else is left alone. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../../shared/errors';
import { FLOWERS_MANIFEST, readFlowersManifest } from './manifest';

export async function checkOutputDir(outDir: string): Promise<void> {
  const dir = path.resolve(outDir);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new VebiError('BAD_ARGUMENT', `--out ${dir} is a file. Give a folder path (new, empty, or a previous flowers dataset).`, dir);
    throw error;
  }
  if (entries.length === 0) return;
  if (await readFlowersManifest(dir)) return;
  throw new VebiError(
    'BAD_ARGUMENT',
    `--out ${dir} is not empty and is not a flowers dataset (no ${FLOWERS_MANIFEST} written by "vebi dataset flowers"), so it was left untouched. Choose a new or empty folder, or delete this one first.`,
    dir,
  );
}
