/**
 * Content hashes for the result cache: the model's bytes (model.json and every weight file it
 * names), the data folder's listing (relative path, size, modification time) and the parameters.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DatasetItem } from '../data';

async function hashFile(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/** Files that make up a model: for a TF.js model.json, itself plus the shards of its manifest. */
export async function modelFiles(modelPath: string): Promise<string[]> {
  if (path.extname(modelPath).toLowerCase() !== '.json') return [modelPath];
  try {
    const manifest = JSON.parse(await fs.readFile(modelPath, 'utf8')) as { weightsManifest?: { paths?: string[] }[] };
    const shards = (manifest.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
    return [modelPath, ...shards.map((shard) => path.resolve(path.dirname(modelPath), shard))];
  } catch {
    return [modelPath]; // the loader reports what is wrong with the file
  }
}

export async function hashModel(modelPath: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await modelFiles(modelPath)) {
    hash.update(`${path.basename(file)}\0`);
    try {
      await hashFile(hash, file);
    } catch {
      hash.update('missing\0'); // the loader names the missing file
    }
  }
  return hash.digest('hex');
}

const STAT_CHUNK = 256;

export async function hashDataListing(items: DatasetItem[]): Promise<string> {
  const hash = createHash('sha256');
  // In chunks: 60,000 stat calls at once would hold 60,000 Stats objects and file handles.
  for (let start = 0; start < items.length; start += STAT_CHUNK) {
    const chunk = items.slice(start, start + STAT_CHUNK);
    const stats = await Promise.all(chunk.map((item) => fs.stat(item.path)));
    chunk.forEach((item, i) => hash.update(`${item.relPath}\0${item.label}\0${stats[i].size}\0${stats[i].mtimeMs}\n`));
  }
  return hash.digest('hex');
}

export function hashParts(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
