/**
 * Zip archives written by hand for fault injection (decompression bombs as .keras files): local
 * headers, data, central directory and end record, with the uncompressed size declared honestly
 * or not. Deflated zeros are streamed: a 1 MiB block of zeros deflated with a full flush is
 * byte-aligned and independent of what precedes it, so N copies of it followed by an empty final
 * block are one valid raw-deflate stream of N MiB of zeros, written in chunks, never held whole.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import * as zlib from 'node:zlib';

const MIB = 1024 * 1024;

export interface ZipSource {
  /** Compressed (or stored) bytes, in order. */
  chunks: () => Iterable<Buffer>;
  compressedSize: number;
  /** CRC-32 of the real uncompressed content. */
  crc32: number;
  /** The real uncompressed size. */
  size: number;
}

export interface ZipEntrySpec {
  name: string;
  source: ZipSource;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  /** The uncompressed size written in the headers: source.size when honest, anything when lying. */
  declaredSize?: number;
}

/** Raw deflate of `mib` MiB of zeros, streamed from one reused segment. */
export async function deflatedZeros(mib: number): Promise<ZipSource> {
  const block = Buffer.alloc(MIB);
  const segment = zlib.deflateRawSync(block, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const final = Buffer.from([0x03, 0x00]); // fixed-Huffman final block holding only end-of-block
  let crc = 0;
  for (let i = 0; i < mib; i++) {
    crc = zlib.crc32(block, crc);
    // Yield now and then: the test process also times signals and timeouts of running children.
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    chunks: function* () {
      // 64 segments per chunk: about 64 KiB written at a time.
      const batch = Buffer.concat(Array.from({ length: 64 }, () => segment));
      let left = mib;
      while (left >= 64) {
        yield batch;
        left -= 64;
      }
      if (left > 0) yield Buffer.concat(Array.from({ length: left }, () => segment));
      yield final;
    },
    compressedSize: mib * segment.length + final.length,
    crc32: crc >>> 0,
    size: mib * MIB,
  };
}

/** Bytes stored as they are (method 0) or deflated in one go (method 8): small entries. */
export function bufferSource(data: Buffer, method: 0 | 8): ZipSource {
  const body = method === 8 ? zlib.deflateRawSync(data) : data;
  return { chunks: () => [body], compressedSize: body.length, crc32: zlib.crc32(data) >>> 0, size: data.length };
}

function write(stream: WriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

function u32(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${n} does not fit a zip32 field`);
  return n;
}

/** Writes a zip32 archive; every size must fit 32 bits (no zip64). */
export async function writeZip(file: string, entries: ZipEntrySpec[]): Promise<number> {
  const stream = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let offset = 0;
  const central: Buffer[] = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const declared = u32(entry.declaredSize ?? entry.source.size);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(entry.source.crc32, 14);
    local.writeUInt32LE(u32(entry.source.compressedSize), 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    await write(stream, local);
    await write(stream, name);
    let written = 0;
    for (const chunk of entry.source.chunks()) {
      await write(stream, chunk);
      written += chunk.length;
    }
    if (written !== entry.source.compressedSize) throw new Error(`${entry.name}: wrote ${written} bytes, expected ${entry.source.compressedSize}`);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4); // version made by
    record.writeUInt16LE(20, 6); // version needed
    record.writeUInt16LE(0, 8);
    record.writeUInt16LE(entry.method, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(0x21, 14);
    record.writeUInt32LE(entry.source.crc32, 16);
    record.writeUInt32LE(u32(entry.source.compressedSize), 20);
    record.writeUInt32LE(declared, 24);
    record.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal attributes: 0
    record.writeUInt32LE(0, 38); // external attributes
    record.writeUInt32LE(u32(offset), 42);
    central.push(record, name);
    offset += 30 + name.length + written;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(u32(offset), 16);
  await write(stream, directory);
  await write(stream, end);
  stream.end();
  await done;
  return offset + directory.length + end.length;
}
