/**
 * vebi.json: what a model file cannot say about itself, written by the user next to the model.
 *
 *   {
 *     "preprocessing": "symmetric",                      // or any CLI form, or the object form:
 *                                                        // {"kind":"meanstd","mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225],"scale":"unit"}
 *     "classNames": ["cat", "dog", "fox"]                // optional: the model's output order = class folder names
 *   }
 *
 * Both keys are optional; keys starting with "$" or "_" (for example "$comment") are ignored, any
 * other key is an error so that a typo ("preprocesing") is not silently ignored.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';
import { PREPROCESSING_HELP, parsePreprocessing } from './preprocess';

export const SIDECAR_FILE_NAME = 'vebi.json';

export interface Sidecar {
  /** Absolute path of the vebi.json that was read. */
  path: string;
  preprocessing?: Preprocessing;
  classNames?: string[];
}

const KNOWN_KEYS = ['preprocessing', 'classNames'];

function invalid(file: string, what: string): VebiError {
  return new VebiError('BAD_ARGUMENT', `${file}: ${what} Fix or delete the file (format: {"preprocessing": "unit" | "raw" | "symmetric" | "meanstd:M,M,M:S,S,S", "classNames": ["a", "b"]}).`, file);
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Accepts the CLI string form or the Preprocessing object; throws naming the file otherwise. */
export function validatePreprocessing(value: unknown, file: string): Preprocessing {
  if (typeof value === 'string') {
    try {
      return parsePreprocessing(value);
    } catch (e) {
      throw invalid(file, `"preprocessing" is not valid: ${(e as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, `"preprocessing" must be a string or an object. ${PREPROCESSING_HELP}`);
  const o = value as Record<string, unknown>;
  if (o.kind === 'unit' || o.kind === 'raw' || o.kind === 'symmetric') return { kind: o.kind };
  if (o.kind === 'meanstd') {
    if (!isNumberArray(o.mean) || !isNumberArray(o.std)) throw invalid(file, '"preprocessing" of kind "meanstd" needs "mean" and "std" as non-empty arrays of numbers.');
    if (o.mean.length !== o.std.length) throw invalid(file, `"preprocessing" has ${o.mean.length} mean values but ${o.std.length} std values.`);
    if (o.std.some((s) => s === 0)) throw invalid(file, '"preprocessing" has a std of 0 (division by zero).');
    if (o.scale !== undefined && o.scale !== 'unit' && o.scale !== 'raw') throw invalid(file, `"preprocessing.scale" must be "unit" or "raw", got ${JSON.stringify(o.scale)}.`);
    return o.scale === undefined ? { kind: 'meanstd', mean: o.mean, std: o.std } : { kind: 'meanstd', mean: o.mean, std: o.std, scale: o.scale };
  }
  throw invalid(file, `"preprocessing.kind" must be "unit", "raw", "symmetric" or "meanstd", got ${JSON.stringify(o.kind)}.`);
}

function validateClassNames(value: unknown, file: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw invalid(file, '"classNames" must be a non-empty array of non-empty strings (the class folder names, in the model\'s output order).');
  }
  const names = value as string[];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw invalid(file, `"classNames" lists "${dup}" twice.`);
  const bad = names.find((n) => n.includes('/') || n.includes('\\') || n === '.' || n === '..');
  if (bad !== undefined) throw invalid(file, `"classNames" entry "${bad}" is not a folder name.`);
  return names;
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
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(file, `the file cannot be read (${(e as Error).message}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // editors on Windows may save a BOM
  } catch (e) {
    throw invalid(file, `the file is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(file, 'the file must hold a JSON object.');
  const o = json as Record<string, unknown>;
  const unknownKeys = Object.keys(o).filter((k) => !KNOWN_KEYS.includes(k) && !k.startsWith('$') && !k.startsWith('_'));
  if (unknownKeys.length > 0) throw invalid(file, `unknown key(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}; the known keys are ${KNOWN_KEYS.map((k) => `"${k}"`).join(', ')}.`);
  const out: Sidecar = { path: file };
  if (o.preprocessing !== undefined) out.preprocessing = validatePreprocessing(o.preprocessing, file);
  if (o.classNames !== undefined) out.classNames = validateClassNames(o.classNames, file);
  return out;
}
