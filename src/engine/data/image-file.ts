/**
 * An image file is untrusted input: it may be empty, truncated, a FIFO, a device, a folder, gone
 * since the folder was scanned, or named with bytes that are not UTF-8. Each such failure belongs to
 * that one image: it becomes a VebiError with a per-image code and the file's path, so a run that
 * skips bad files skips exactly these and nothing else (bad arguments and bugs still stop it).
 */
import { VebiError, isVebiError } from '../../shared/errors';
import type { PlainError } from '../../shared/errors';
import { LIMITS, readRegularFile } from '../fs/safe-read';

export const IMAGE_FILE_ERROR_CODES = ['IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE', 'NOT_A_REGULAR_FILE'] as const;
export type ImageFileErrorCode = (typeof IMAGE_FILE_ERROR_CODES)[number];

const HINT = 'Replace or delete the file; a run over a folder can skip such files (--on-bad-file skip).';

/** Node shows a name that is not valid UTF-8 with U+FFFD, and that string no longer opens the file. */
const REPLACEMENT_CHARACTER = '\uFFFD';

export function unreadableImage(file: string, why: string): VebiError {
  return new VebiError('IMAGE_UNREADABLE', `Cannot read image ${file}: ${why}. ${HINT}`, file);
}

/** A failure of one image file, which `--on-bad-file skip` skips. */
export function isImageFileError(error: unknown): error is (VebiError | PlainError) & { code: ImageFileErrorCode } {
  return isVebiError(error) && (IMAGE_FILE_ERROR_CODES as readonly string[]).includes(error.code);
}

/** The whole file, if it is a non-empty regular file within LIMITS.imageBytes (never blocks on a FIFO). */
export async function readImageFile(file: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readRegularFile(file, { what: 'Image', maxBytes: LIMITS.imageBytes, code: 'IMAGE_UNREADABLE', tooLargeCode: 'IMAGE_TOO_LARGE', hint: HINT });
  } catch (error) {
    if (error instanceof VebiError && error.code === 'IMAGE_UNREADABLE' && file.includes(REPLACEMENT_CHARACTER)) {
      throw new VebiError(error.code, `${error.message} Its name contains U+FFFD, which is how a name that is not valid UTF-8 is shown: such a file cannot be opened by that name; rename it.`, file);
    }
    throw error;
  }
  if (data.length === 0) throw unreadableImage(file, 'the file is empty (0 bytes)');
  return data;
}

/** Runs one image's decode; whatever it throws that is not already a VebiError (sharp throws plain Errors, some synchronously) becomes IMAGE_UNREADABLE naming the file. */
export async function guardImage<T>(file: string, decode: () => Promise<T>): Promise<T> {
  try {
    return await decode();
  } catch (error) {
    if (error instanceof VebiError) throw error;
    const message = error instanceof Error ? error.message.trim() : String(error);
    throw unreadableImage(file, `it is not an image this tool can decode, or it is truncated or corrupt (${message})`);
  }
}
