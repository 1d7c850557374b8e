/**
 * Hostile inputs for the fault-injection suite, written with plain file-system calls (never through
 * VEBI): FIFOs, links to /dev/zero, sparse giants, damaged PNGs, non-finite weights in a TF.js shard.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** A named pipe nobody writes to: opening it for reading blocks, reading it never ends. */
export async function makeFifo(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  execFileSync('mkfifo', [file]);
}

/** A symbolic link to /dev/zero: a "file" that never ends. */
export async function linkToDevZero(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.symlink('/dev/zero', file);
}

/** A sparse file of `bytes` apparent size (no disk used): its size alone must stop a reader. */
export async function sparseFile(file: string, bytes: number, head?: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'w');
  try {
    if (head) await handle.write(head, 0, head.length, 0);
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

/** The first `keep` bytes of a real PNG: a valid signature and header, then nothing. */
export async function truncatedCopy(source: string, target: string, keep: number): Promise<void> {
  const bytes = await fs.readFile(source);
  await fs.writeFile(target, bytes.subarray(0, Math.min(keep, bytes.length - 1)));
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
}

interface ModelJson {
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Where a weight's bytes sit: the shard file and the byte offset inside it. */
export async function locateWeight(modelJsonPath: string, weightName: string): Promise<{ shard: string; offset: number; count: number }> {
  const json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  for (const group of json.weightsManifest) {
    let offset = 0;
    for (const weight of group.weights) {
      const count = weight.shape.reduce((a, b) => a * b, 1);
      const bytes = count * (DTYPE_BYTES[weight.dtype ?? 'float32'] ?? 4);
      if (weight.name === weightName) {
        // Find the shard holding `offset` (tfjs shards are consecutive pieces of the group's bytes).
        let start = 0;
        for (const shard of group.paths) {
          const size = (await fs.stat(path.join(dir, shard))).size;
          if (offset < start + size) return { shard: path.join(dir, shard), offset: offset - start, count };
          start += size;
        }
      }
      offset += bytes;
    }
  }
  throw new Error(`${modelJsonPath} has no weight ${weightName}`);
}

/** Writes float32 `value` over element `index` of a weight, in place in its shard. */
export async function poisonWeight(modelJsonPath: string, weightName: string, value: number, index = 0): Promise<void> {
  const { shard, offset, count } = await locateWeight(modelJsonPath, weightName);
  if (index >= count) throw new Error(`${weightName} has ${count} values`);
  const bytes = Buffer.alloc(4);
  bytes.writeFloatLE(value, 0);
  const handle = await fs.open(shard, 'r+');
  try {
    await handle.write(bytes, 0, 4, offset + index * 4);
  } finally {
    await handle.close();
  }
}

/** Reads back one float32 of a weight (for the self-test of poisonWeight). */
export async function readWeightValue(modelJsonPath: string, weightName: string, index = 0): Promise<number> {
  const { shard, offset } = await locateWeight(modelJsonPath, weightName);
  const handle = await fs.open(shard, 'r');
  try {
    const bytes = Buffer.alloc(4);
    await handle.read(bytes, 0, 4, offset + index * 4);
    return bytes.readFloatLE(0);
  } finally {
    await handle.close();
  }
}

/** Copies a folder tree; timestamps kept (the result cache keys a data folder by mtimes). */
export async function copyTree(source: string, target: string): Promise<void> {
  await fs.cp(source, target, { recursive: true, preserveTimestamps: true });
}

/** Whether `mount -t tmpfs` works here (root in a VM or a privileged container). */
export function canMountTmpfs(probeDir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probeDir], { stdio: 'ignore' });
    execFileSync('umount', [probeDir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function mountTmpfs(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
}

export function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}

/** Pages a folder's files take on tmpfs (each file rounded up to 4 KiB). */
export async function tmpfsBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const size = (await fs.stat(path.join(entry.parentPath ?? entry.path, entry.name))).size;
    total += Math.ceil(size / 4096) * 4096;
  }
  return total;
}

/** Makes a tree readable (and folders enterable) by every user, for runs as nobody. */
export function openToEveryone(dir: string): void {
  execFileSync('chmod', ['-R', 'a+rX', dir]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(Buffer.from(type, 'ascii'))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A black RGB PNG of `width` x `height` written without ever holding its pixels: every row is a
 * filter byte 0 and zeros, so the image data is one run of zeros, deflated in 1 MiB full-flush
 * segments (as in fault-zip.ts). `rows` < height writes only that many rows and no end of stream:
 * a header that promises a giant image, followed by a little data (a pixel bomb).
 */
export async function writeBlackPng(file: string, width: number, height: number, rows = height): Promise<void> {
  const MIB = 1024 * 1024;
  const total = (width * 3 + 1) * rows;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, adaptive filters, no interlace
  const segment = zlib.deflateRawSync(Buffer.alloc(MIB), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const rest = zlib.deflateRawSync(Buffer.alloc(total % MIB), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let i = 0; i < Math.floor(total / MIB); i++) parts.push(segment);
  parts.push(rest);
  if (rows === height) {
    const adler = Buffer.alloc(4);
    adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0); // Adler-32 of `total` zeros
    parts.push(Buffer.from([0x03, 0x00]), adler);
  }
  const stream = Buffer.concat(parts);
  const chunks = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)];
  for (let at = 0; at < stream.length; at += 256 * 1024) chunks.push(pngChunk('IDAT', stream.subarray(at, at + 256 * 1024)));
  chunks.push(pngChunk('IEND', Buffer.alloc(0)));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, Buffer.concat(chunks));
}
