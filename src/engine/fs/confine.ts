/**
 * Resolves a path read from a file (report, cache entry, manifest, model) inside the folder it
 * belongs to: relative only, no "..", and (symlinks included) still inside once resolved.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import type { VebiErrorCode } from '../../shared/errors';
import { unsafeRelativePathReason } from '../../shared/safe-path';

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
}

/** True when `candidate` is `root` or inside it (lexically). */
export function isSameOrInside(root: string, candidate: string): boolean {
  return path.resolve(root) === path.resolve(candidate) || isInside(path.resolve(root), path.resolve(candidate));
}

export interface ConfineOptions {
  /** Error code for a path that escapes (REPORT_INVALID, WEIGHTS_PATH_ESCAPES...). */
  code: VebiErrorCode;
  /** The file the path was read from, named in the message. */
  source: string;
  /** What to tell the user to do. */
  hint: string;
}

function escapeError(rel: string, why: string, options: ConfineOptions): VebiError {
  return new VebiError(options.code, `The path "${rel}" in ${options.source} ${why}; paths in this file must stay inside its folder. ${options.hint}`, options.source);
}

/** Lexical confinement: `rel` joined to `root`, or an error naming the file it came from. */
export function confinedJoin(root: string, rel: unknown, options: ConfineOptions): string {
  if (typeof rel !== 'string') throw escapeError(String(rel), 'is not a string', options);
  const why = unsafeRelativePathReason(rel);
  if (why) throw escapeError(rel, why, options);
  const full = path.resolve(root, rel);
  if (!isInside(path.resolve(root), full)) throw escapeError(rel, 'leads outside its folder', options);
  return full;
}

/**
 * confinedJoin, then the symlink check: the real path must be inside the real root. A missing file
 * is returned as is (the reader reports it); a link that leads outside is an error.
 */
export async function confinedRealPath(root: string, rel: unknown, options: ConfineOptions): Promise<string> {
  const full = confinedJoin(root, rel, options);
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch {
    return full;
  }
  const realRoot = await fs.realpath(root).catch(() => path.resolve(root));
  if (!isInside(realRoot, real)) throw escapeError(String(rel), `is a link that resolves outside its folder (to ${real})`, options);
  return real;
}
