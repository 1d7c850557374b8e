/**
 * Reads a zip archive's central directory (a .keras file is a zip) without inflating anything, and
 * refuses what a Keras archive never holds and a hostile one might: several disks, a zip64 end
 * record, a zip64 size without its extra field, duplicated names (two readers could pick
 * different ones), local headers that disagree with the directory, data past the end.
 */
import { VebiError } from '../../../shared/errors';

export interface ZipEntry {
  name: string;
  /** General purpose flags (bit 0: encrypted). */
  flags: number;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  /** The uncompressed size the archive declares: a hostile archive may lie. */
  size: number;
  localOffset: number;
}

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const ZIP64_EXTRA = 0x0001;

export function archiveCorrupt(file: string, detail: string): VebiError {
  return new VebiError('MODEL_CORRUPT', `${file} is not a readable .keras archive (${detail}). The file is damaged or truncated: save the model again with model.save("model.keras").`, file);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Offset of the end-of-central-directory record: the last one whose comment ends the file. */
function findEnd(data: DataView, file: string): number {
  const last = data.byteLength - END_SIZE;
  for (let at = last; at >= Math.max(0, last - U16_MAX); at--) {
    if (data.getUint32(at, true) === END && at + END_SIZE + data.getUint16(at + 20, true) === data.byteLength) return at;
  }
  throw archiveCorrupt(file, 'no end-of-archive record: the file is truncated or not a zip');
}

/** Sizes and offset the fixed fields saturate, read from the zip64 extra field in their order. */
function zip64Fields(data: DataView, extraStart: number, extraEnd: number, wanted: number, name: string, file: string): number[] {
  for (let at = extraStart; at + 4 <= extraEnd; ) {
    const id = data.getUint16(at, true);
    const size = data.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      if (size < wanted * 8 || at + 4 + size > extraEnd) break;
      return Array.from({ length: wanted }, (_, i) => Number(data.getBigUint64(at + 4 + i * 8, true)));
    }
    at += 4 + size;
  }
  throw archiveCorrupt(file, `entry "${name}" has a zip64 size or offset without a valid zip64 extra field`);
}

/** The archive's entries by name; checks the directory and every local header. */
export function readZipDirectory(bytes: Uint8Array, file: string): Map<string, ZipEntry> {
  const data = view(bytes);
  const end = findEnd(data, file);
  const count = data.getUint16(end + 10, true);
  const directorySize = data.getUint32(end + 12, true);
  const directoryStart = data.getUint32(end + 16, true);
  if (data.getUint16(end + 4, true) !== 0 || data.getUint16(end + 6, true) !== 0 || data.getUint16(end + 8, true) !== count) {
    throw archiveCorrupt(file, 'it spans several disks');
  }
  if (count === U16_MAX || directorySize === U32_MAX || directoryStart === U32_MAX) {
    throw archiveCorrupt(file, 'it has a zip64 end record, which a Keras archive within VEBI\'s size limit never needs');
  }
  if (directoryStart + directorySize > end) throw archiveCorrupt(file, 'its central directory lies outside the file');

  const entries = new Map<string, ZipEntry>();
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > end || data.getUint32(at, true) !== CENTRAL) throw archiveCorrupt(file, `central directory entry ${i + 1} of ${count} is missing or damaged`);
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + data.getUint16(at + 32, true);
    if (next > end) throw archiveCorrupt(file, `central directory entry ${i + 1} runs past the directory`);
    const name = new TextDecoder().decode(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength));
    if (entries.has(name)) throw archiveCorrupt(file, `the entry name "${name}" occurs twice`);
    const fixed = [data.getUint32(at + 24, true), data.getUint32(at + 20, true), data.getUint32(at + 42, true)];
    const saturated = fixed.filter((v) => v === U32_MAX).length;
    const wide = saturated > 0 ? zip64Fields(data, at + CENTRAL_SIZE + nameLength, at + CENTRAL_SIZE + nameLength + extraLength, saturated, name, file) : [];
    const [size, compressedSize, localOffset] = fixed.map((v) => (v === U32_MAX ? (wide.shift() as number) : v));
    entries.set(name, { name, flags: data.getUint16(at + 8, true), method: data.getUint16(at + 10, true), crc32: data.getUint32(at + 16, true), compressedSize, size, localOffset });
    at = next;
  }
  return entries;
}

/** The entry's stored (compressed) bytes, after checking its local header against the directory. */
export function entryBytes(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const data = view(bytes);
  const at = entry.localOffset;
  if (at + LOCAL_SIZE > bytes.byteLength || data.getUint32(at, true) !== LOCAL) throw archiveCorrupt(file, `the local header of "${entry.name}" is missing`);
  const nameLength = data.getUint16(at + 26, true);
  const start = at + LOCAL_SIZE + nameLength + data.getUint16(at + 28, true);
  const localName = new TextDecoder().decode(bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength));
  if (localName !== entry.name) throw archiveCorrupt(file, `the local header of "${entry.name}" names "${localName}"`);
  if (start + entry.compressedSize > bytes.byteLength) throw archiveCorrupt(file, `the data of "${entry.name}" runs past the end of the file (truncated)`);
  return bytes.subarray(start, start + entry.compressedSize);
}
