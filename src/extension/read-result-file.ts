/**
 * Reads a result file the engine wrote (report.json, explanation.json, compare.json...) back into
 * the extension host as untrusted input: a regular file of bounded size, valid JSON, and what its
 * schema says, or a REPORT_INVALID error that names the file and says what to do. No vscode here,
 * so the unit tests run it in plain Node.
 */
import { constants, promises as fs } from 'node:fs';
import type { z } from 'zod';
import { VebiError } from '../shared/errors';
import { parseJsonText } from '../shared/schemas/parse-json-text';

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

export async function readResultFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: a FIFO put in the file's place must not hang the extension host.
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw invalid(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalid(file, 'is not a regular file');
    if (stat.size > MAX_RESULT_FILE_BYTES) throw invalid(file, `is ${stat.size} bytes, above the limit of ${MAX_RESULT_FILE_BYTES}`);
    return parseResultText(file, await handle.readFile('utf8'), schema);
  } finally {
    await handle.close();
  }
}
