/**
 * Reads a model's own file (model.json, .keras, .h5) as untrusted input: regular files only,
 * size limit before reading, through one handle (src/engine/fs/safe-read.ts), with the codes the
 * loader uses: MODEL_NOT_FOUND, NOT_A_REGULAR_FILE, MODEL_TOO_LARGE.
 */
import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import { VebiError } from '../../shared/errors';
import { describeFileType, readRegularFile, tooLarge } from '../fs/safe-read';

const HINT = 'Give the path of a TensorFlow.js model.json (or of the folder that holds it) or of a Keras .keras/.h5 file.';
const TOO_LARGE_HINT = 'No model VEBI can read is that large: check that this file really is the model, or export a smaller one.';

/** "Model file x is a FIFO (named pipe)...": for a path whose stat says it is not a regular file. */
export function notRegularModelFile(file: string, stat: Stats): VebiError {
  return new VebiError('NOT_A_REGULAR_FILE', `Model file ${file} is ${describeFileType(stat)}, not a regular file; refusing to read it. ${HINT}`, file);
}

/** The whole model file, at most `maxBytes` long. */
export async function readModelFile(file: string, maxBytes: number): Promise<Buffer> {
  // This stat only picks the error; readRegularFile checks type and size again on its own handle.
  const stat = await fs.stat(file).catch(() => undefined);
  if (stat && !stat.isFile()) throw notRegularModelFile(file, stat);
  if (stat && stat.size > maxBytes) throw tooLarge(file, stat.size, maxBytes, { what: 'Model file', tooLargeCode: 'MODEL_TOO_LARGE', hint: TOO_LARGE_HINT });
  return readRegularFile(file, { what: 'Model file', maxBytes, code: 'MODEL_NOT_FOUND', tooLargeCode: 'MODEL_TOO_LARGE', hint: HINT });
}
