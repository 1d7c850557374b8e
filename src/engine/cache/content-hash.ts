/**
 * Content hashes for the result cache: the model's bytes (model.json and every weight file it
 * names, read through the loader's checks: a hostile model cannot make hashing hang), the data
 * folder's listing (relative path, size, modification time) and the parameters.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import type { DatasetItem } from '../data';
import { LIMITS, describeFileType, tooLarge } from '../fs/safe-read';
import { locateShards, readModelJsonFile, resolveModelJson } from '../model';

/** One file of a model, checked as the loader checks it; `content` when already read. */
export interface ModelPart {
  /** The model file's name, or the shard path as model.json writes it. */
  name: string;
  file: string;
  /** Expected size (a shard's, from the manifest check); undefined: whatever the stat says, within the limit. */
  bytes?: number;
  content?: Buffer;
}

/**
 * Files that make up a model, through the loader's own checks: the model file resolved (a folder's
 * model.json) and regular, and for a TF.js model.json every shard of its manifest confined to the
 * model folder (symlinks included), regular, and of the size the manifest requires.
 */
export async function modelFiles(modelPath: string): Promise<ModelPart[]> {
  const file = await resolveModelJson(modelPath);
  if (path.extname(file).toLowerCase() !== '.json') return [{ name: path.basename(file), file }];
  const { bytes, json } = await readModelJsonFile(file);
  const shards = await locateShards(path.dirname(file), json.weightsManifest, file);
  return [{ name: path.basename(file), file, bytes: bytes.length, content: bytes }, ...shards.flat().map((s) => ({ name: s.name, file: s.file, bytes: s.bytes }))];
}

// O_NONBLOCK: opening a FIFO swapped in since the checks must not wait for a writer.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Streams one model file into `hash` through one handle: a regular file (checked on the handle),
 * read up to the size stat'ed on it, so a file that grows meanwhile cannot make it endless.
 */
async function hashPart(hash: Hash, part: ModelPart): Promise<void> {
  const handle = await fs.open(part.file, OPEN_FLAGS).catch((err: NodeJS.ErrnoException) => {
    throw new VebiError('MODEL_NOT_FOUND', `Model file ${part.file} cannot be opened (${err.code ?? err.message}). Check that it exists and can be read.`, part.file);
  });
  let size: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new VebiError('NOT_A_REGULAR_FILE', `Model file ${part.file} is ${describeFileType(stat)}, not a regular file; refusing to read it. Give a model whose files are regular files.`, part.file);
    if (stat.size > LIMITS.modelBytes) throw tooLarge(part.file, stat.size, LIMITS.modelBytes, { what: 'Model file', tooLargeCode: 'MODEL_TOO_LARGE', hint: 'Check that this file really is the model, or export a smaller one.' });
    size = part.bytes ?? stat.size;
    if (stat.size !== size) throw new VebiError('WEIGHTS_SHORT', `Model file ${part.file} changed size while it was checked (${size} -> ${stat.size} bytes). Try again once it is written.`, part.file);
  } catch (err) {
    await handle.close();
    throw err;
  }
  hash.update(`${part.name}\0${size}\0`);
  let read = 0;
  // end is inclusive; the stream closes the handle when it ends or fails.
  for await (const chunk of handle.createReadStream({ start: 0, end: Math.max(0, size - 1) })) {
    // Stryker disable next-line ArithmeticOperator: the stream ends at byte size - 1, so a chunk never goes past size - read and subarray(0, size + read) is the whole chunk too
    const bytes = (chunk as Buffer).subarray(0, size - read);
    hash.update(bytes);
    read += bytes.length;
  }
  if (read !== size) throw new VebiError('WEIGHTS_SHORT', `Model file ${part.file} got shorter while it was read (${read} of ${size} bytes). Try again once it is written.`, part.file);
}

/** SHA-256 of the model's bytes: the model file and every weight file, names and sizes included. */
export async function hashModel(modelPath: string): Promise<string> {
  const hash = createHash('sha256');
  for (const part of await modelFiles(modelPath)) {
    if (part.content) hash.update(`${part.name}\0${part.content.length}\0`).update(part.content);
    else await hashPart(hash, part);
  }
  return hash.digest('hex');
}

const STAT_CHUNK = 256;

export async function hashDataListing(items: DatasetItem[]): Promise<string> {
  const hash = createHash('sha256');
  // In chunks: 60,000 stat calls at once would hold 60,000 Stats objects and file handles.
  for (let start = 0; start < items.length; start += STAT_CHUNK) {
    const chunk = items.slice(start, start + STAT_CHUNK);
    // A file that vanished or cannot be stat'ed since the scan is hashed as such; the decoder skips and lists it.
    const stats = await Promise.all(chunk.map((item) => fs.stat(item.path).catch(() => undefined)));
    chunk.forEach((item, i) => {
      const stat = stats[i];
      hash.update(`${item.relPath}\0${item.label}\0${stat ? `${stat.size}\0${stat.mtimeMs}\0${stat.isFile() ? 'file' : 'other'}` : 'missing'}\n`);
    });
  }
  return hash.digest('hex');
}

export function hashParts(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
