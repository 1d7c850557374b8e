/**
 * Likely labelled image folders in a workspace, for the folder quick pick: folders with at least
 * two sub-folders that hold images. Pure Node (no vscode), so it is unit-tested directly.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isImageFileName } from '../shared/image-extensions';

export interface DatasetCandidate {
  path: string;
  classes: number;
  /** Images seen in the first entries of each class folder (a lower bound, for ranking). */
  sampledImages: number;
}

/** Folders never searched, besides every hidden one (.git, .vscode, .venv...). */
const SKIP = new Set(['node_modules', 'dist', 'out', '__pycache__', 'venv']);
/** Entries read per class folder while ranking: enough to tell, cheap on huge folders. */
const SAMPLE = 50;

export async function findDatasetFolders(root: string, options: { maxDepth?: number; limit?: number } = {}): Promise<DatasetCandidate[]> {
  const maxDepth = options.maxDepth ?? 4;
  const found: DatasetCandidate[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const subdirs = await childFolders(dir);
    const counts = await Promise.all(subdirs.map((sub) => sampleImages(path.join(dir, sub))));
    const classes = counts.filter((n) => n > 0).length;
    if (classes >= 2) found.push({ path: dir, classes, sampledImages: counts.reduce((a, b) => a + b, 0) });
    if (depth >= maxDepth) return;
    for (const sub of subdirs) await visit(path.join(dir, sub), depth + 1);
  };
  await visit(root, 0);
  // A class folder's own sub-folders can look like a dataset too; prefer the outermost, then the largest.
  // (A candidate never starts with its own path plus a separator, so it is not compared with itself.)
  const outermost = found.filter((c) => !found.some((other) => c.path.startsWith(other.path + path.sep) && other.classes >= c.classes));
  return outermost.sort((a, b) => b.classes * b.sampledImages - a.classes * a.sampledImages).slice(0, options.limit ?? 20);
}

async function childFolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)).map((e) => e.name);
    // Stryker disable next-line MethodExpression: Node (libuv scandir) already lists names sorted on Linux; sorting keeps one order on every platform
    return names.sort();
  } catch {
    // Stryker disable next-line ArrayDeclaration: a made-up child of an unreadable folder is unreadable too, so it adds no candidate
    return [];
  }
}

async function sampleImages(dir: string): Promise<number> {
  let count = 0;
  try {
    const handle = await fs.opendir(dir);
    let seen = 0;
    for await (const entry of handle) {
      if (entry.isFile() && isImageFileName(entry.name)) count++;
      if (++seen >= SAMPLE) break;
    }
  }
  // Stryker disable next-line BlockStatement: only opendir throws in practice, before anything is counted, so count is still 0
  catch {
    return 0;
  }
  return count;
}
