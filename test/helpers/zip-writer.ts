/**
 * Test helper: writes zip archives byte by byte, so that a test can make one lie (declared sizes,
 * methods, flags, duplicated names), and deflate streams of zeros that inflate ~1000:1 (decompression
 * bombs), made in milliseconds.
 */
import { crc32, constants, createDeflateRaw } from 'node:zlib';

export interface RawZipEntry {
  name: string;
  /** The stored bytes (deflated when method is 8). */
  data: Uint8Array;
  method: 0 | 8 | number;
  /** The uncompressed size the headers declare (may be a lie). */
  size: number;
  crc?: number;
  flags?: number;
}

const U32_MAX = 0xffffffff;

/** The zip64 extra field giving a declared size of 4 GiB or more (the fixed field then reads 0xffffffff). */
function zip64Extra(size: number): Buffer {
  if (size < U32_MAX) return Buffer.alloc(0);
  const extra = Buffer.alloc(12);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8, 2);
  extra.writeBigUInt64LE(BigInt(size), 4);
  return extra;
}

/**
 * The fields local and central headers share, in the same order (version needed, flags, method,
 * time, date, crc, sizes, name and extra lengths), written from `at`: 4 in a local header, 6 in a
 * central one.
 */
function writeSharedFields(header: Buffer, at: number, e: RawZipEntry, name: Buffer, extra: Buffer): void {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(e.flags ?? 0, at + 2);
  header.writeUInt16LE(e.method, at + 4);
  header.writeUInt32LE(e.crc ?? 0, at + 10);
  header.writeUInt32LE(e.data.length, at + 14);
  header.writeUInt32LE(Math.min(e.size, U32_MAX), at + 18);
  header.writeUInt16LE(name.length, at + 22);
  header.writeUInt16LE(extra.length, at + 24);
}

/** A zip file of `entries`, in order, with the central directory and end record after them. */
export function buildZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const extra = zip64Extra(e.size);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeSharedFields(local, 4, e, name, extra);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    writeSharedFields(central, 6, e, name, extra);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, extra, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
    centrals.push(central, name, extra);
    offset += 30 + name.length + extra.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An honest stored or deflated entry for `content`. */
export function zipEntry(name: string, content: Uint8Array, deflated?: Uint8Array): RawZipEntry {
  return { name, data: deflated ?? content, method: deflated ? 8 : 0, size: content.length, crc: crc32(content) >>> 0 };
}

/**
 * A raw deflate stream of `mib` MiB of zeros (~1 KB per MiB). zlib compresses each MiB after the
 * first to the same byte-aligned segment (sync flush), so the stream is that segment repeated and
 * closed by an empty final block.
 */
export async function deflatedZeros(mib: number): Promise<Buffer> {
  const z = createDeflateRaw({ level: 9, memLevel: 9 });
  let pending: Buffer[] = [];
  z.on('data', (c: Buffer) => pending.push(c));
  const segments: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    z.write(Buffer.alloc(1 << 20));
    await new Promise<void>((resolve) => z.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    segments.push(Buffer.concat(pending));
    pending = [];
  }
  z.destroy();
  if (!segments[1].equals(segments[2])) throw new Error('zlib did not repeat its zero segment; cannot build the bomb this way');
  const emptyFinalBlock = Buffer.from([0x03, 0x00]);
  return Buffer.concat([segments[0], ...Array<Buffer>(Math.max(0, mib - 1)).fill(segments[1]), emptyFinalBlock]);
}
