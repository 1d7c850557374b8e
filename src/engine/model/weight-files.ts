/**
 * Finds, checks and reads the weight shards a model.json names. A model folder comes from
 * anywhere (a colleague, the internet), so a shard path may never reach outside that folder.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import { LIMITS, describeFileType, readRegularFile } from '../fs/safe-read';
import { storedBytes, type WeightGroup } from './model-json';

export interface ShardFile {
  /** The path as written in model.json. */
  name: string;
  /** Absolute, symlink-free path inside the model folder. */
  file: string;
  bytes: number;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function escapes(name: string, modelJson: string, why: string): VebiError {
  return new VebiError(
    'WEIGHTS_PATH_ESCAPES',
    `Weight path "${name}" in ${modelJson} ${why}. A model's weight shards must sit inside its own folder; refusing to read it. Put the .bin files next to model.json and list them by plain file name.`,
    modelJson,
  );
}

/** Resolves one shard path; refuses absolute paths, URLs, '..' and symlinks leading outside `dir`. */
export async function resolveShard(dir: string, name: string, modelJson: string): Promise<ShardFile> {
  if (name.includes('\0')) throw escapes(name, modelJson, 'contains a NUL character');
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || /^[a-z][a-z0-9+.-]*:/i.test(name)) {
    throw escapes(name, modelJson, 'is absolute or a URL');
  }
  const lexical = path.resolve(dir, name);
  if (!isInside(dir, lexical)) throw escapes(name, modelJson, 'leads outside the model folder');

  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch {
    const dangling = await fs.lstat(lexical).then(
      () => true,
      () => false,
    );
    throw new VebiError(
      'WEIGHTS_MISSING',
      `Weight shard "${name}" listed in ${modelJson} ${dangling ? 'is a broken symbolic link' : 'does not exist'}. Copy every .bin file written with the model next to model.json.`,
      lexical,
    );
  }
  const realDir = await fs.realpath(dir);
  if (!isInside(realDir, real)) throw escapes(name, modelJson, `is a link that resolves outside the model folder (to ${real})`);
  const stat = await fs.stat(real);
  if (!stat.isFile()) {
    // A FIFO would block the read forever, a device never ends.
    throw new VebiError(
      'NOT_A_REGULAR_FILE',
      `Weight shard "${name}" listed in ${modelJson} is ${describeFileType(stat)} (${real}), not a regular file; refusing to read it. Copy the .bin files written with the model next to model.json.`,
      real,
    );
  }
  return { name, file: real, bytes: stat.size };
}

/**
 * Compares shard sizes with what the manifest's shapes and dtypes require. tfjs writes all
 * shards of a group at one size except the last, which lets us name the shard that is off.
 */
export function checkGroupSizes(group: WeightGroup, shards: ShardFile[], groupIndex: number, modelJson: string): void {
  let expected = 0;
  for (const w of group.weights) {
    const bytes = storedBytes(w);
    if (bytes === undefined) return; // string weights have no fixed size: nothing to check
    expected += bytes;
  }
  const actual = shards.reduce((sum, s) => sum + s.bytes, 0);
  if (actual === expected) return;

  // tfjs fills every shard but the last to one size S, and the last holds the rest (0 < rest <= S).
  const last = shards[shards.length - 1];
  let culprit = last;
  let culpritExpected = expected;
  if (shards.length > 1) {
    const head = shards.slice(0, -1);
    const shardSize = Math.max(...head.map((s) => s.bytes));
    const odd = head.find((s) => s.bytes !== shardSize);
    const rest = expected - head.length * shardSize;
    if (odd) {
      culprit = odd;
      culpritExpected = shardSize;
    } else if (rest > shardSize || rest <= 0) {
      // The full-size shards themselves are off: name the first, assuming the last is right.
      culprit = shards[0];
      culpritExpected = Math.round((expected - last.bytes) / head.length);
    } else {
      culpritExpected = rest;
    }
  }
  const state = actual < expected ? 'shorter' : 'longer';
  throw new VebiError(
    'WEIGHTS_SHORT',
    `Weight shard "${culprit.name}" is ${state} than ${modelJson} says: expected ${culpritExpected} bytes, found ${culprit.bytes} bytes ` +
      `(weight group ${groupIndex + 1}: ${group.weights.length} weights need ${expected} bytes, its ${shards.length} shard(s) hold ${actual}). ` +
      `The file is truncated or belongs to another export: copy the .bin files written together with this model.json.`,
    culprit.file,
  );
}

/** Resolves and size-checks every shard of every group (no reading yet). */
export async function locateShards(dir: string, groups: WeightGroup[], modelJson: string): Promise<ShardFile[][]> {
  const located: ShardFile[][] = [];
  for (const [i, group] of groups.entries()) {
    const shards: ShardFile[] = [];
    for (const name of group.paths) shards.push(await resolveShard(dir, name, modelJson));
    checkGroupSizes(group, shards, i, modelJson);
    located.push(shards);
  }
  // Sparse files can claim any size on a small disk: the weights must fit in one buffer.
  const total = located.flat().reduce((sum, s) => sum + s.bytes, 0);
  if (total > LIMITS.modelBytes) {
    throw new VebiError(
      'MODEL_TOO_LARGE',
      `The weight shards of ${modelJson} hold ${total} bytes, above VEBI's limit of ${LIMITS.modelBytes} bytes for a model's weights. Check that the .bin files belong to this model.json, or export a smaller model.`,
      modelJson,
    );
  }
  return located;
}

const SHARD_HINT = 'Copy the .bin files written with the model next to model.json, and try again once they are written.';

/** Reads the shards in manifest order into one buffer, as tfjs expects for the concatenated specs. */
export async function readShards(groups: ShardFile[][]): Promise<ArrayBuffer> {
  const all = groups.flat();
  const total = all.reduce((sum, s) => sum + s.bytes, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const shard of all) {
    // One handle, regular file checked on it, never more than the size located before.
    const data = await readRegularFile(shard.file, { what: `Weight shard "${shard.name}":`, maxBytes: shard.bytes, code: 'WEIGHTS_MISSING', tooLargeCode: 'WEIGHTS_SHORT', hint: SHARD_HINT });
    if (data.byteLength !== shard.bytes) {
      throw new VebiError('WEIGHTS_SHORT', `Weight shard "${shard.name}" changed size while it was being read (${shard.bytes} -> ${data.byteLength} bytes). ${SHARD_HINT}`, shard.file);
    }
    out.set(data, offset);
    offset += data.byteLength;
  }
  return out.buffer;
}
