/**
 * Text of a file VEBI reads back -> a value its schema accepts, or one sentence saying what is
 * wrong (JSON syntax, or the first few fields that do not match, as "field.path: message").
 * Pure: the engine reads files with its safe reader, the extension with its own, both end here.
 */
import type { z } from 'zod';

export interface JsonProblem {
  /** "weights.nonNegative", "classes[2].index"; "" for the whole file. */
  path: string;
  message: string;
}

export type JsonCheck<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** True when the text is not JSON at all (then `problems` holds the parser's message). */
      syntax: boolean;
      problems: JsonProblem[];
      /** "is not valid JSON (...)" or "does not match its format: a.b: ...": follows the file's name. */
      why: string;
    };

/** Problems named in `why`; the others are counted. */
const SHOWN_PROBLEMS = 3;
/** A hostile file can put megabytes in a key or a value that a message quotes. */
const MAX_PART = 200;

function cut(text: string): string {
  return text.length > MAX_PART ? `${text.slice(0, MAX_PART - 3)}...` : text;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += `${out ? '.' : ''}${cut(String(key))}`;
  }
  return out;
}

export function describeProblems(problems: readonly JsonProblem[]): string {
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => `${p.path || '(the whole file)'}: ${cut(p.message)}`);
  const more = problems.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** Checks an already parsed value against `schema`. */
export function checkJsonValue<S extends z.ZodType>(value: unknown, schema: S): JsonCheck<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  return { ok: false, syntax: false, problems, why: `does not match its format: ${describeProblems(problems)}` };
}

export function parseJsonText<S extends z.ZodType>(text: string, schema: S): JsonCheck<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, '')); // editors on Windows may save a byte-order mark
  } catch (error) {
    const message = cut(error instanceof Error ? error.message : String(error));
    return { ok: false, syntax: true, problems: [{ path: '', message }], why: `is not valid JSON (${message})` };
  }
  return checkJsonValue(value, schema);
}
