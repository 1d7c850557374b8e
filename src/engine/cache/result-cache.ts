/**
 * The result cache: finished report folders keyed by content hash, plus an index from model hash
 * to its latest report so `explain` can find one without --report.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFolderAtomically } from '../fs/atomic-folder';

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'vebi');
}

export class ResultCache {
  constructor(readonly dir: string) {}

  private entry(key: string): string {
    return path.join(this.dir, 'reports', key);
  }

  async lookup(key: string): Promise<string | undefined> {
    const dir = this.entry(key);
    try {
      await fs.access(path.join(dir, 'report.json'));
      return dir;
    } catch {
      return undefined;
    }
  }

  async store(key: string, modelHash: string, reportDir: string): Promise<void> {
    await copyFolderAtomically(reportDir, this.entry(key));
    const index = path.join(this.dir, 'models', `${modelHash}.json`);
    await fs.mkdir(path.dirname(index), { recursive: true });
    const temp = `${index}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify({ key, storedAt: new Date().toISOString() }));
    await fs.rename(temp, index);
  }

  /** The latest cached report folder for a model, if any. */
  async latestForModel(modelHash: string): Promise<string | undefined> {
    try {
      const { key } = JSON.parse(await fs.readFile(path.join(this.dir, 'models', `${modelHash}.json`), 'utf8')) as { key: string };
      return await this.lookup(key);
    } catch {
      return undefined;
    }
  }

  async clear(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
