/**
 * Reading workspace files in the extension host without trusting them: a FIFO named model.json or
 * train.py must never block the host (opened without blocking, checked through the handle), and
 * nothing is read past a size known before reading. No vscode here: unit-tested in plain Node.
 */
import { constants, promises as fs } from 'node:fs';

/** Why the file could not be read as asked ("is not a regular file", "is 3 GB, above..."). */
export class UnreadableFile extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file} ${why}`);
  }
}

async function withRegularFile<T>(file: string, use: (handle: fs.FileHandle, size: number) => Promise<T>): Promise<T> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new UnreadableFile(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnreadableFile(file, 'is not a regular file');
    return await use(handle, stat.size);
  } finally {
    await handle.close();
  }
}

/** What readAll needs of an open file. */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** The first `size` bytes, read until they are all in; fewer when the file ends first (it shrank since its size was taken). */
export async function readAll(source: ByteSource, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await source.read(buffer, offset, size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset);
}

/** The whole file as UTF-8, refused above `maxBytes`. */
export function readRegularText(file: string, maxBytes: number): Promise<string> {
  return withRegularFile(file, async (handle, size) => {
    if (size > maxBytes) throw new UnreadableFile(file, `is ${size} bytes, above the limit of ${maxBytes}`);
    return (await readAll(handle, size)).toString('utf8');
  });
}

/** The first `bytes` bytes (fewer when the file is shorter). */
export function readRegularHead(file: string, bytes: number): Promise<Uint8Array> {
  return withRegularFile(file, async (handle) => {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  });
}

/** The file's size if it is a regular file, else undefined (without opening it). */
export async function regularFileSize(file: string): Promise<number | undefined> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat?.isFile() ? stat.size : undefined;
}
