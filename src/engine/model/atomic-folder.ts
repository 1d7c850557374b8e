/**
 * Writes a folder so that readers only ever see the old complete folder or the new complete one:
 * the files go to a temporary sibling folder, which is renamed into place at the end.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface FolderFile {
  /** File name inside the folder (no separators in normal use). */
  name: string;
  data: Uint8Array | string;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Replaces `dir` with a folder holding exactly `files`. On any failure nothing at `dir` changes
 * and the temporary folder is removed. The temporary and backup folders live next to `dir`
 * (same file system), so the final renames are atomic.
 */
export async function writeFolderAtomically(dir: string, files: FolderFile[]): Promise<void> {
  const target = path.resolve(dir);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${target}.tmp-${tag}`;
  const backup = `${target}.old-${tag}`;
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.mkdir(temp);
  try {
    for (const file of files) {
      const handle = await fs.open(path.join(temp, file.name), 'wx');
      try {
        await handle.writeFile(file.data);
        await handle.sync(); // the rename below must not expose a file whose data is still in flight
      } finally {
        await handle.close();
      }
    }
    const hadOld = await exists(target);
    if (hadOld) await fs.rename(target, backup);
    try {
      await fs.rename(temp, target);
    } catch (err) {
      if (hadOld) await fs.rename(backup, target);
      throw err;
    }
    if (hadOld) await fs.rm(backup, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(temp, { recursive: true, force: true });
    throw err;
  }
}
