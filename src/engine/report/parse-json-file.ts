/**
 * Reads a JSON file VEBI wrote earlier (a report, a summary, a manifest) as untrusted input: the
 * safe reader (regular file, size limit), then its schema; anything wrong is one VebiError that
 * names the file, the first problems, and what to do.
 */
import { promises as fs } from 'node:fs';
import type { z } from 'zod';
import { VebiError } from '../../shared/errors';
import type { VebiErrorCode } from '../../shared/errors';
import { checkJsonValue, parseJsonText } from '../../shared/schemas/parse-json-text';
import type { JsonCheck } from '../../shared/schemas/parse-json-text';
import { LIMITS, readRegularText } from '../fs/safe-read';

export interface JsonFileOptions {
  /** "Report file", "Manifest"...: starts the message. */
  what: string;
  /** Code of every error: unreadable, too large, not JSON, not the schema. */
  code: VebiErrorCode;
  /** What to do about it ('Re-run "vebi interpret".'), ends the message. */
  hint: string;
  /** Default LIMITS.jsonBytes. */
  maxBytes?: number;
}

function orThrow<T>(file: string, check: JsonCheck<T>, options: JsonFileOptions): T {
  if (check.ok) return check.value;
  throw new VebiError(options.code, `${options.what} ${file} ${check.why}. ${options.hint}`, file);
}

export async function parseJsonFile<S extends z.ZodType>(file: string, schema: S, options: JsonFileOptions): Promise<z.output<S>> {
  const text = await readRegularText(file, { what: options.what, maxBytes: options.maxBytes ?? LIMITS.jsonBytes, code: options.code, tooLargeCode: options.code, hint: options.hint });
  return orThrow(file, parseJsonText(text, schema), options);
}

/** A value already read from `file` (for a file checked in two steps), with the same errors. */
export function checkJsonFileValue<S extends z.ZodType>(file: string, value: unknown, schema: S, options: JsonFileOptions): z.output<S> {
  return orThrow(file, checkJsonValue(value, schema), options);
}

/** True when nothing is at `file` (or a parent is not a folder): for files that may be absent. */
export async function fileIsMissing(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}
