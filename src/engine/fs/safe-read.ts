/**
 * Reads a file VEBI did not write (a model, an image, a report, a sidecar) without trusting it:
 * stat first, only regular files (a FIFO would block forever, /dev/zero never ends), a size limit
 * known before a byte is read, and errors that name the file and say what to do.
 */
import { constants, promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import { VebiError } from '../../shared/errors';
import type { VebiErrorCode } from '../../shared/errors';

export interface SafeReadOptions {
  /** "Model file", "Image", "Report file"...: starts the message. */
  what: string;
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** Code for a missing, unreadable or non-regular file. */
  code: VebiErrorCode;
  /** Code when the file is larger than maxBytes. */
  tooLargeCode: VebiErrorCode;
  /** What to do about it, appended to every message. */
  hint: string;
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer; no effect on regular files.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** "a FIFO (named pipe)", "a character device"...: what a non-regular file is, for messages. */
export function describeFileType(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a folder';
    case 'ELOOP':
      return 'is a symbolic link loop';
    case 'ENAMETOOLONG':
      return 'has a name too long for the file system';
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

export function tooLarge(file: string, bytes: number, limit: number, options: Pick<SafeReadOptions, 'what' | 'tooLargeCode' | 'hint'>): VebiError {
  return new VebiError(options.tooLargeCode, `${options.what} ${file} is ${megabytes(bytes)}, above the limit of ${megabytes(limit)}. ${options.hint}`, file);
}

/** Checks that `file` is a regular file within the size limit, without opening it. */
export async function statRegularFile(file: string, options: SafeReadOptions): Promise<Stats> {
  let stat: Stats;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    throw new VebiError(options.code, `${options.what} ${file} ${errnoReason(error)}. ${options.hint}`, file);
  }
  if (!stat.isFile()) throw new VebiError(options.code, `${options.what} ${file} is ${describeFileType(stat)}, not a regular file; refusing to read it. ${options.hint}`, file);
  if (stat.size > options.maxBytes) throw tooLarge(file, stat.size, options.maxBytes, options);
  return stat;
}

/**
 * The whole file, read through one handle whose type and size were checked first (so the file
 * cannot be swapped for a FIFO between the check and the read). A file that shrinks while read is
 * an error; bytes appended after the check are not read.
 */
export async function readRegularFile(file: string, options: SafeReadOptions): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (error) {
    throw new VebiError(options.code, `${options.what} ${file} ${errnoReason(error)}. ${options.hint}`, file);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new VebiError(options.code, `${options.what} ${file} is ${describeFileType(stat)}, not a regular file; refusing to read it. ${options.hint}`, file);
    if (stat.size > options.maxBytes) throw tooLarge(file, stat.size, options.maxBytes, options);
    const buffer = Buffer.allocUnsafe(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, offset, stat.size - offset, offset));
      } catch (error) {
        throw new VebiError(options.code, `${options.what} ${file} ${errnoReason(error)}. ${options.hint}`, file);
      }
      if (bytesRead === 0) throw new VebiError(options.code, `${options.what} ${file} got shorter while it was read (${offset} of ${stat.size} bytes). Try again once the file is written. ${options.hint}`, file);
      offset += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** readRegularFile as UTF-8 text (a leading byte-order mark removed: Windows editors write one). */
export async function readRegularText(file: string, options: SafeReadOptions): Promise<string> {
  return (await readRegularFile(file, options)).toString('utf8').replace(/^\uFEFF/, '');
}

/** Size limits of the files VEBI reads (see docs/cli.md, Safety). */
export const LIMITS = {
  /** model.json, vebi.json, report.json and other JSON files VEBI reads back. */
  jsonBytes: 256 * 1024 * 1024,
  /** A .keras / .h5 file, a weight shard: far above ResNet-50 (100 MB), below Node's 2 GiB buffer limit. */
  modelBytes: 2 * 1024 * 1024 * 1024 - 1,
  /** One image file (a 100-megapixel uncompressed TIFF is 300 MB). */
  imageBytes: 512 * 1024 * 1024,
  /** Small JSON files (vebi.json, cache index, manifests). */
  smallJsonBytes: 16 * 1024 * 1024,
} as const;
