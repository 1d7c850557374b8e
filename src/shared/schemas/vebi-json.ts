/**
 * vebi.json, written by the user next to a model: what a model file cannot say about itself.
 *
 *   {
 *     "preprocessing": "symmetric",                      // or any CLI form, or the object form:
 *                                                        // {"kind":"meanstd","mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225],"scale":"unit"}
 *     "classNames": ["cat", "dog", "fox"]                // optional: the model's output order = class folder names
 *   }
 *
 * Both keys are optional; keys starting with "$" or "_" (for example "$comment") are ignored, any
 * other key is an error so that a typo ("preprocesing") is not silently ignored. Every message is
 * a whole sentence: the reader shows the first one as it is, after the file's name.
 */
import { z } from 'zod';
import { parsePreprocessing } from '../preprocessing-text';
import { PREPROCESSING_SCHEMA } from './params';

const KNOWN_KEYS = ['preprocessing', 'classNames'];

/** The CLI form ("unit", "meanstd:0.5:0.25"...), with the CLI's messages. */
const PREPROCESSING_TEXT = z.string().transform((text, ctx) => {
  try {
    return parsePreprocessing(text);
  } catch (error) {
    ctx.issues.push({ code: 'custom', input: text, message: `"preprocessing" is not valid: ${(error as Error).message}` });
    return z.NEVER;
  }
});

/** The object form; here, unlike in a report, mean and std must have as many values as each other. */
const PREPROCESSING_OBJECT = PREPROCESSING_SCHEMA.check((ctx) => {
  const p = ctx.value;
  if (p.kind === 'meanstd' && p.mean.length !== p.std.length) {
    ctx.issues.push({ code: 'custom', input: p, message: `"preprocessing" has ${p.mean.length} mean values but ${p.std.length} std values.` });
  }
});

/** Either form; a failure shows the message of the form the value was meant to be. */
export const SIDECAR_PREPROCESSING_SCHEMA = z.union([PREPROCESSING_TEXT, PREPROCESSING_OBJECT], {
  error: (issue) => {
    const branches = (issue as { errors?: { message: string }[][] }).errors;
    // Stryker disable next-line OptionalChaining: zod raises invalid_union with one issue list per option (two here), each non-empty since that option failed
    return branches?.[typeof issue.input === 'string' ? 0 : 1]?.[0]?.message;
  },
});

const CLASS_NAMES_SHAPE = '"classNames" must be a non-empty array of non-empty strings (the class folder names, in the model\'s output order).';

const CLASS_NAMES_SCHEMA = z
  .array(z.string({ error: CLASS_NAMES_SHAPE }).min(1, { error: CLASS_NAMES_SHAPE }), { error: CLASS_NAMES_SHAPE })
  .min(1, { error: CLASS_NAMES_SHAPE })
  .check((ctx) => {
    const names = ctx.value;
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) ctx.issues.push({ code: 'custom', input: names, message: `"classNames" lists "${dup}" twice.` });
    const bad = names.find((n) => n.includes('/') || n.includes('\\') || n === '.' || n === '..');
    if (bad !== undefined) ctx.issues.push({ code: 'custom', input: names, message: `"classNames" entry "${bad}" is not a folder name.` });
  });

export const VEBI_JSON_SCHEMA = z
  .record(z.string(), z.unknown(), { error: 'the file must hold a JSON object.' })
  .check((ctx) => {
    const unknownKeys = Object.keys(ctx.value).filter((k) => !KNOWN_KEYS.includes(k) && !k.startsWith('$') && !k.startsWith('_'));
    if (unknownKeys.length > 0) {
      const list = (keys: string[]) => keys.map((k) => `"${k}"`).join(', ');
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `unknown key(s) ${list(unknownKeys)}; the known keys are ${list(KNOWN_KEYS)}.` });
    }
  })
  .pipe(z.object({ preprocessing: SIDECAR_PREPROCESSING_SCHEMA.optional(), classNames: CLASS_NAMES_SCHEMA.optional() }));

export type VebiJson = z.output<typeof VEBI_JSON_SCHEMA>;
