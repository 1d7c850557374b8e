/**
 * The result cache: finished report folders keyed by content hash, plus an index from model hash
 * to its latest report so `explain` can find one without --report.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_INDEX_SCHEMA } from '../../shared/schemas/cache-index';
import { copyFolderAtomically } from '../fs/atomic-folder';
import { LIMITS } from '../fs/safe-read';
import { parseJsonFile } from '../report/parse-json-file';
import { entryProblem } from './verify-entry';

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'vebi');
}

export class ResultCache {
  constructor(readonly dir: string) {}

  private entry(key: string): string {
    return path.join(this.dir, 'reports', key);
  }

  /**
   * The entry's folder when it is whole (verified against its manifest and parsed); a bad entry is
   * removed, with a warning, so the caller recomputes.
   */
  async lookup(key: string, onWarning?: (message: string) => void): Promise<string | undefined> {
    if (!/^[0-9a-f]{64}$/.test(key)) return undefined;
    const dir = this.entry(key);
    if (!(await fs.lstat(dir).then((s) => s.isDirectory(), () => false))) return undefined;
    const problem = await entryProblem(dir);
    if (!problem) return dir;
    onWarning?.(`The cached result ${dir} is damaged (${problem}); it was removed and the result is recomputed.`);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return undefined;
  }

  /** Keeps a copy of a finished report folder under `key`; the model's index points at it. */
  async store(key: string, modelHash: string, reportDir: string): Promise<void> {
    await copyFolderAtomically(reportDir, this.entry(key), { kind: 'interpretation', flag: 'The cache entry' });
    const index = path.join(this.dir, 'models', `${modelHash}.json`);
    await fs.mkdir(path.dirname(index), { recursive: true });
    const temp = `${index}.${process.pid}.tmp`;
    await fs.writeFile(temp, JSON.stringify({ key, storedAt: new Date().toISOString() }));
    await fs.rename(temp, index);
  }

  /** The latest cached report folder for a model, if any. */
  async latestForModel(modelHash: string): Promise<string | undefined> {
    try {
      const { key } = await parseJsonFile(path.join(this.dir, 'models', `${modelHash}.json`), CACHE_INDEX_SCHEMA, { what: 'The cache index', code: 'REPORT_INVALID', hint: 'Clear the cache.', maxBytes: LIMITS.smallJsonBytes });
      return await this.lookup(key);
    // Stryker disable next-line BlockStatement: an empty catch block also makes the method return undefined
    } catch {
      return undefined;
    }
  }

  async clear(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
