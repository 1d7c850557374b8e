/**
 * Scanning Python source as text: where a bracket closes and where a string literal ends, with
 * comments and strings (single, triple, escaped quotes) skipped. Shared by the Keras and PyTorch
 * layer searches. Pure.
 */

/** Offset just past the bracket that closes the one at `open`, skipping strings and comments; -1 if none. */
export function closingBracket(text: string, open: number): number {
  let depth = 0;
  // Stryker disable next-line EqualityOperator: at i === text.length, text[i] is undefined and equals none of the characters looked for
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      // Stryker disable next-line EqualityOperator: text[i] is '#', so a newline found from i is at i + 1 or later, never at 0
      i = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'") {
      i = stringEnd(text, i) - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Offset just past the string literal starting at `start` (single or triple quoted). */
export function stringEnd(text: string, start: number): number {
  const quote = text[start];
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  // Stryker disable next-line EqualityOperator: at i === text.length, text[i] is undefined and startsWith is false, so the loop ends the same
  for (let i = start + close.length; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text.startsWith(close, i)) return i + close.length;
    else if (!triple && text[i] === '\n') return i;
  }
  return text.length;
}
