/**
 * Writes a folder all-or-nothing: everything goes into a hidden sibling first and replaces the
 * target only when complete, so a crash or Ctrl-C never leaves a half-written report.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function writeFolderAtomically<T>(target: string, fill: (tempDir: string) => Promise<T>): Promise<T> {
  const parent = path.dirname(path.resolve(target));
  await fs.mkdir(parent, { recursive: true });
  await removeStalePartials(parent, path.basename(target));
  const temp = path.join(parent, `.${path.basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(temp);
  try {
    const result = await fill(temp);
    await replaceFolder(temp, target);
    return result;
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A process killed while writing (the extension kills a cancelled engine that does not stop in
 * time) leaves its hidden partial folder behind: remove those whose writer is no longer alive.
 */
async function removeStalePartials(parent: string, base: string): Promise<void> {
  const prefix = `.${base}.partial-`;
  const names = (await fs.readdir(parent)).filter((name) => name.startsWith(prefix));
  for (const name of names) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Swaps `source` into `target`; an existing target is moved aside first and removed after. */
async function replaceFolder(source: string, target: string): Promise<void> {
  const old = `${source}.old`;
  let hadOld = false;
  try {
    await fs.rename(target, old);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await fs.rename(source, target);
  } catch (error) {
    if (hadOld) await fs.rename(old, target);
    throw error;
  }
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/** Copies a finished folder to `target`, atomically. */
export async function copyFolderAtomically(source: string, target: string): Promise<void> {
  await writeFolderAtomically(target, (temp) => fs.cp(source, temp, { recursive: true }));
}

export interface FolderFile {
  /** File name inside the folder. */
  name: string;
  data: Uint8Array | string;
}

/** Replaces `target` with a folder holding exactly `files`, each flushed to disk before the swap. */
export async function writeFilesAtomically(target: string, files: FolderFile[]): Promise<void> {
  await writeFolderAtomically(target, async (temp) => {
    for (const file of files) {
      const handle = await fs.open(path.join(temp, file.name), 'wx');
      try {
        await handle.writeFile(file.data);
        await handle.sync(); // the rename must not expose a file whose data is still in flight
      } finally {
        await handle.close();
      }
    }
  });
}
