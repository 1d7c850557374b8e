/**
 * File-system errors that are the machine's, not VEBI's (no permission, read-only, disk full):
 * exit 3 with the user's own path and what to do, never "Internal error" naming a hidden folder.
 */
import { VebiError } from '../../shared/errors';

const PERMISSION = new Set(['EACCES', 'EPERM']);
const READ_ONLY = new Set(['EROFS']);
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** sharp and zlib report errno conditions in their messages only. */
function codeOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  // Stryker disable next-line StringLiteral: for a non-Error any fallback text that matches none of the four patterns below gives undefined alike
  const message = error instanceof Error ? error.message : '';
  if (/no space left on device/i.test(message)) return 'ENOSPC';
  if (/disk quota exceeded/i.test(message)) return 'EDQUOT';
  if (/read-only file system/i.test(message)) return 'EROFS';
  if (/permission denied/i.test(message)) return 'EACCES';
  return undefined;
}

/** The VebiError for an environment failure while writing `target`, or undefined for any other error. */
export function environmentError(error: unknown, target: string): VebiError | undefined {
  const code = codeOf(error);
  if (!code) return undefined;
  if (PERMISSION.has(code)) {
    return new VebiError('OUTPUT_UNWRITABLE', `Cannot write ${target}: permission denied (${code}). Choose a folder you can write to, or fix its permissions; nothing was written.`, target);
  }
  if (READ_ONLY.has(code)) {
    return new VebiError('OUTPUT_UNWRITABLE', `Cannot write ${target}: the file system is read-only (${code}). Choose a folder on a writable disk; nothing was written.`, target);
  }
  if (FULL.has(code)) {
    return new VebiError('DISK_FULL', `Cannot write ${target}: the disk is full (${code}). Free some space or choose a folder on another disk; nothing was written and any previous results there are intact.`, target);
  }
  if (code === 'ENOTDIR') {
    return new VebiError('OUTPUT_UNWRITABLE', `Cannot write ${target}: a part of that path is a file, not a folder (${code}). Choose another folder; nothing was written.`, target);
  }
  return undefined;
}
