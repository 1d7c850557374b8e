/**
 * Reads a result file the engine wrote (report.json, explanation.json, compare.json...) back into
 * the extension host as untrusted input: a regular file of bounded size, valid JSON, and what its
 * schema says, or a REPORT_INVALID error that names the file and says what to do. No vscode here,
 * so the unit tests run it in plain Node.
 */
import type { z } from 'zod';
import { VebiError } from '../shared/errors';
import { parseJsonText } from '../shared/schemas/parse-json-text';
import { readRegularText, UnreadableFile } from './regular-file';

/** The engine's own limit for JSON it reads back. */
export const MAX_RESULT_FILE_BYTES = 256 * 1024 * 1024;

const HINT = 'Run the command again; if it keeps failing, run "VEBI: Clear Cached Results".';

function invalid(file: string, why: string): VebiError {
  return new VebiError('REPORT_INVALID', `The result file ${file} ${why}. ${HINT}`, file);
}

/** The pure half: `text` read from `file`, checked against `schema`. */
export function parseResultText<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const check = parseJsonText(text, schema);
  if (!check.ok) throw invalid(file, check.why);
  return check.value;
}

/** Why a result file could not be read, from what reading it threw. */
export function unreadableReason(error: unknown): string {
  return error instanceof UnreadableFile ? error.why : `cannot be read (${String(error)})`;
}

export async function readResultFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readRegularText(file, MAX_RESULT_FILE_BYTES);
  } catch (error) {
    throw invalid(file, unreadableReason(error));
  }
  return parseResultText(file, text, schema);
}
