/**
 * Copies a folder VEBI wrote (a cache entry, a report) into another: regular files and folders
 * only, never a link (which could point anywhere), never the source's own manifest (the copy gets
 * its own), checking for cancellation between files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError } from '../../shared/errors';
import { OUTPUT_MANIFEST } from './output-manifest';
import { describeFileType } from './safe-read';

export async function copyTree(source: string, target: string, signal?: AbortSignal): Promise<void> {
  const walk = async (from: string, to: string, top: boolean): Promise<void> => {
    for (const entry of await fs.readdir(from, { withFileTypes: true })) {
      if (signal?.aborted) throw cancelledError();
      if (top && entry.name === OUTPUT_MANIFEST) continue;
      const src = path.join(from, entry.name);
      const dst = path.join(to, entry.name);
      if (entry.isDirectory()) {
        await fs.mkdir(dst);
        await walk(src, dst, false);
      } else if (entry.isFile()) {
        await fs.copyFile(src, dst);
      } else {
        const what = describeFileType(await fs.lstat(src));
        throw new VebiError('REPORT_INVALID', `${src} is ${entry.isSymbolicLink() ? 'a symbolic link' : what}; VEBI's folders hold only files and folders, so this one was not written by VEBI or was changed since. Delete it and re-run.`, src);
      }
    }
  };
  await walk(path.resolve(source), path.resolve(target), true);
}
