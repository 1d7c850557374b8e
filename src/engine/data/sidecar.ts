/**
 * vebi.json: what a model file cannot say about itself, written by the user next to the model.
 * Its format and messages are in src/shared/schemas/vebi-json.ts.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';
import { checkJsonValue, parseJsonText } from '../../shared/schemas/parse-json-text';
import type { JsonCheck } from '../../shared/schemas/parse-json-text';
import { SIDECAR_PREPROCESSING_SCHEMA, VEBI_JSON_SCHEMA } from '../../shared/schemas/vebi-json';
import type { VebiJson } from '../../shared/schemas/vebi-json';
import { LIMITS, readRegularText } from '../fs/safe-read';
import { fileIsMissing } from '../report/parse-json-file';

export const SIDECAR_FILE_NAME = 'vebi.json';

export type Sidecar = VebiJson & {
  /** Absolute path of the vebi.json that was read. */
  path: string;
};

const FIX = 'Fix or delete the file (format: {"preprocessing": "unit" | "raw" | "symmetric" | "meanstd:M,M,M:S,S,S", "classNames": ["a", "b"]}).';

function invalid(file: string, what: string): VebiError {
  // A file, not a flag: bad input (exit 3), like a damaged model or report.
  return new VebiError('SIDECAR_INVALID', `${file}: ${what} ${FIX}`, file);
}

/** The value, or the first problem as the sentence the schema wrote for it. */
function orThrow<T>(file: string, check: JsonCheck<T>): T {
  if (check.ok) return check.value;
  throw invalid(file, check.syntax ? `the file is not valid JSON (${check.problems[0].message}).` : check.problems[0].message);
}

/** Accepts the CLI string form or the Preprocessing object; throws naming the file otherwise. */
export function validatePreprocessing(value: unknown, file: string): Preprocessing {
  return orThrow(file, checkJsonValue(value, SIDECAR_PREPROCESSING_SCHEMA));
}

/** The vebi.json next to a model file (or inside a model folder); undefined when there is none. */
export async function readPreprocessingSidecar(modelPath: string): Promise<Sidecar | undefined> {
  const resolved = path.resolve(modelPath);
  let dir = path.dirname(resolved);
  try {
    if ((await fs.stat(resolved)).isDirectory()) dir = resolved;
  } catch {
    // A missing model is reported by the model loader; here it only means "look beside it".
  }
  const file = path.join(dir, SIDECAR_FILE_NAME);
  if (await fileIsMissing(file)) return undefined;
  // A file that cannot be read is an input error (exit 3); a wrong content is a usage error, as before.
  const text = await readRegularText(file, { what: 'The model settings file', maxBytes: LIMITS.smallJsonBytes, code: 'NOT_A_REGULAR_FILE', tooLargeCode: 'FILE_TOO_LARGE', hint: FIX });
  return { path: file, ...orThrow(file, parseJsonText(text, VEBI_JSON_SCHEMA)) };
}
