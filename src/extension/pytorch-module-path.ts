/**
 * Where a PyTorch module is defined, from the dotted path an ONNX export names it by
 * (`layer1.0.conv1`, `features.3`, `classifier.1`): the attribute assignment `self.conv1 = ...`, or
 * for a trailing index the k-th entry of `self.features = nn.Sequential(...)` / `nn.ModuleList([...])`,
 * following nested Sequentials. Pure text search; comments and strings inside the lists are skipped.
 */

export interface ModuleLocation {
  /** Offset of the definition in the text. */
  offset: number;
  length: number;
  /** The part of the path that was found (the rest is defined inside that module's own class). */
  resolved: string;
}

import { closingBracket, stringEnd } from './python-text';

function escapeRegExp(text: string): string {
  // Stryker disable next-line StringLiteral: only called with validated segments (identifiers or digits), which hold no character to escape
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The segments of a module path (`layer1.0.conv1`), or undefined when `layer` is not one. */
export function modulePathSegments(layer: string): string[] | undefined {
  const segments = layer.split('.');
  const valid = IDENTIFIER.test(segments[0]) && segments.every((s) => IDENTIFIER.test(s) || /^\d+$/.test(s));
  return valid ? segments : undefined;
}

/** Start offsets of the top-level, comma-separated entries between `open` (a bracket) and its match. */
function entries(text: string, open: number): number[] {
  const end = closingBracket(text, open);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with end = -1 the loop below (i < end - 1) never runs and [] is returned too; end is never 0 (it is past open)
  if (end < 0) return [];
  const starts: number[] = [];
  let expectEntry = true;
  for (let i = open + 1; i < end - 1; i++) {
    const c = text[i];
    if (/\s/.test(c)) continue;
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a comment inside the brackets ends with a newline, else closingBracket would not have found end (it skips the same comment); eol > i > 0
      i = eol < 0 ? end : eol;
      continue;
    }
    if (expectEntry) {
      starts.push(i);
      expectEntry = false;
    }
    if (c === ',') expectEntry = true;
    else if (c === '(' || c === '[' || c === '{') i = closingBracket(text, i) - 1;
    else if (c === '"' || c === "'") i = stringEnd(text, i) - 1;
  }
  return starts;
}

/** The container's own bracket for an entry list: `nn.Sequential(` or `nn.ModuleList([`. */
function listBracket(text: string, at: number): number | undefined {
  const call = /^\s*(?:[A-Za-z_][\w.]*\.)?(Sequential|ModuleList)\s*\((?:\s*\[)?/.exec(text.slice(at, at + 200));
  if (!call) return undefined;
  return at + call[0].length - 1;
}

/** `self.<name> = ` or `<name> = ` (not `==`), the first in the text; the offset of the value. */
function assignment(text: string, name: string): { nameAt: number; valueAt: number } | undefined {
  const match = new RegExp(
    `(?:^|[\\s.])(${escapeRegExp(name)})\\s*(?::[^=\\n]*)?=(?!=)`,
    // Stryker disable next-line StringLiteral: without 'm' the newline before a line's first name still matches [\s.] (same place, same result)
    'm',
  ).exec(text);
  if (!match) return undefined;
  const nameAt = match.index + match[0].indexOf(name);
  return { nameAt, valueAt: match.index + match[0].length };
}

/**
 * Finds the deepest part of `layer`'s module path defined in `text`. An attribute is found by its
 * assignment; an index by the entries of the Sequential or ModuleList it was assigned. The search
 * restarts at each attribute (a block class defines its own `self.conv1`), so `layer1.0.conv1`
 * finds `self.conv1 = ...` even when `layer1` is built by a helper function.
 */
export function findModuleInText(text: string, layer: string): ModuleLocation | undefined {
  // VEBI names a module's second and later layers `<path>_2`, `<path>_3`: the path is without it.
  const unsuffixed = layer.replace(/_\d+$/, '');
  // Stryker disable next-line ConditionalExpression: when unsuffixed equals layer, searching it again gives the same undefined (findPath is pure)
  return findPath(text, layer) ?? (unsuffixed !== layer ? findPath(text, unsuffixed) : undefined);
}

function findPath(text: string, layer: string): ModuleLocation | undefined {
  const segments = modulePathSegments(layer);
  if (!segments) return undefined;
  for (let i = segments.length - 1; i >= 0; i--) {
    if (/^\d+$/.test(segments[i])) continue;
    const found = assignment(text, segments[i]);
    if (found) return followIndices(text, segments, i, found);
  }
  return undefined;
}

/** From the assignment of segments[i], the entries that the indices after it designate, as deep as the text goes. */
function followIndices(text: string, segments: string[], i: number, found: { nameAt: number; valueAt: number }): ModuleLocation {
  let location: ModuleLocation = { offset: found.nameAt, length: segments[i].length, resolved: segments.slice(0, i + 1).join('.') };
  let valueAt = found.valueAt;
  // Stryker disable next-line LogicalOperator,ConditionalExpression,EqualityOperator: a non-index or missing segment j gives entries()[NaN], undefined, so the loop breaks with the same location
  for (let j = i + 1; j < segments.length && /^\d+$/.test(segments[j]); j++) {
    const bracket = listBracket(text, valueAt);
    if (bracket === undefined) break;
    const start = entries(text, bracket)[Number(segments[j])];
    if (start === undefined) break;
    const word = /^[\w.]+/.exec(text.slice(start))?.[0] ?? '';
    location = { offset: start, length: Math.max(1, word.length), resolved: segments.slice(0, j + 1).join('.') };
    valueAt = start;
  }
  return location;
}
