/**
 * Writes a folder all-or-nothing: everything goes into a hidden sibling first, a manifest lists
 * what was written, and the sibling replaces the target only when complete. The swap can be
 * interrupted at any instant (Ctrl-C, SIGTERM, SIGKILL, a crash): this process puts the previous
 * folder back on exit, and the next run restores or removes what a dead one left.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError, isVebiError } from '../../shared/errors';
import { environmentError } from './environment-error';
import { checkOutputTarget } from './output-target';
import type { OutputTargetOptions } from './output-target';
import { copyTree } from './copy-tree';
import { writeOutputManifest } from './output-manifest';
import { ownershipProblem } from './output-ownership';
import { siblingName, trackWrite } from './leftovers';

export interface AtomicWriteOptions extends OutputTargetOptions {
  signal?: AbortSignal;
}

/** Error messages name the user's folder, never the hidden sibling being written. */
function renamed(error: unknown, temp: string, target: string): unknown {
  const mapped = environmentError(error, target);
  if (mapped) return mapped;
  const swap = (text: string) => text.split(temp).join(target);
  if (isVebiError(error) && error.message.includes(temp)) return new VebiError(error.code, swap(error.message), error.path && swap(error.path));
  if (error instanceof Error && error.message.includes(temp)) return Object.assign(new Error(swap(error.message)), { code: (error as NodeJS.ErrnoException).code });
  return error;
}

export async function writeFolderAtomically<T>(target: string, fill: (tempDir: string) => Promise<T>, options: AtomicWriteOptions): Promise<T> {
  const absolute = path.resolve(target);
  await checkOutputTarget(absolute, options);
  const parent = path.dirname(absolute);
  const base = path.basename(absolute);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = path.join(parent, siblingName(base, 'partial', tag));
  const old = path.join(parent, siblingName(base, 'old', tag));
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(temp);
  } catch (error) {
    throw renamed(error, temp, absolute);
  }
  const write = trackWrite({ target: absolute, temp, old });
  try {
    const result = await fill(temp);
    if (options.signal?.aborted) throw cancelledError();
    await writeOutputManifest(temp, options.kind);
    // Something may have appeared at the target while we worked: check again just before the swap.
    const problem = await ownershipProblem(absolute, options.kind);
    if (problem) throw new VebiError('OUTPUT_REFUSED', `${options.flag ?? '--out'} ${absolute} ${problem}; nothing was written.`, absolute);
    await swapInto(write, absolute, temp, old);
    return result;
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw renamed(error, temp, absolute);
  } finally {
    write.finish();
  }
}

/** target -> old, temp -> target, remove old; each step recorded so an exit can undo the first. */
async function swapInto(write: ReturnType<typeof trackWrite>, target: string, temp: string, old: string): Promise<void> {
  try {
    await fs.rename(target, old);
    write.movedAside();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await fs.rename(temp, target);
  } catch (error) {
    if (write.state.movedAside) {
      await fs.rename(old, target);
      write.restored();
    }
    throw error;
  }
  write.published();
  if (write.state.movedAside) await fs.rm(old, { recursive: true, force: true }).catch(() => undefined); // the next run removes it otherwise
}

/** Copies a finished folder to `target`, atomically; a cancelled copy leaves the target as it was. */
export async function copyFolderAtomically(source: string, target: string, options: AtomicWriteOptions): Promise<void> {
  await writeFolderAtomically(
    target,
    async (temp) => {
      await copyTree(source, temp, options.signal);
    },
    options,
  );
}

export interface FolderFile {
  /** File name inside the folder. */
  name: string;
  data: Uint8Array | string;
}

/** Replaces `target` with a folder holding exactly `files`, each flushed to disk before the swap. */
export async function writeFilesAtomically(target: string, files: FolderFile[], options: AtomicWriteOptions = { kind: 'model' }): Promise<void> {
  await writeFolderAtomically(
    target,
    async (temp) => {
      for (const file of files) {
        const handle = await fs.open(path.join(temp, file.name), 'wx');
        try {
          await handle.writeFile(file.data);
          await handle.sync(); // the rename must not expose a file whose data is still in flight
        } finally {
          await handle.close();
        }
      }
    },
    options,
  );
}
