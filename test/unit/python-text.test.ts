/**
 * The Python-text scanner shared by the Keras and PyTorch layer searches: where a bracket closes
 * and where a string ends, with comments, strings and escapes skipped (mutation tests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closingBracket, stringEnd } from '../../src/extension/python-text';

test('closingBracket: each bracket kind nests, and the offset is just past the matching one', () => {
  assert.equal(closingBracket('f(a, b) + 1', 1), 7);
  assert.equal(closingBracket('(a[0], b)', 0), 9);
  assert.equal(closingBracket('[a, (b)]', 0), 8);
  assert.equal(closingBracket('{a: [1]}', 0), 8);
  assert.equal(closingBracket('([1], {2: 3}, 4) x', 0), 16);
  // A ] or } closes its own level: the ( is still open after them.
  assert.equal(closingBracket('([]) )', 0), 4);
  assert.equal(closingBracket('({}) )', 0), 4);
});

test('closingBracket: an unclosed bracket gives -1', () => {
  assert.equal(closingBracket('(a, (b)', 0), -1);
  assert.equal(closingBracket('([)', 0), -1);
});

test('closingBracket: brackets in comments and strings do not count', () => {
  assert.equal(closingBracket('(a  # ) not this\n, b)', 0), 21);
  assert.equal(closingBracket('(a, ")", b)', 0), 11);
  assert.equal(closingBracket("(a, ')', b)", 0), 11);
  assert.equal(closingBracket('(a, """)\n)""", b)', 0), 17);
  // The character right after a string is read again: here it closes the call.
  assert.equal(closingBracket('(")")', 0), 5);
  assert.equal(closingBracket("(')')", 0), 5);
  // A comment that runs to the end of the text leaves the bracket open.
  assert.equal(closingBracket('(a # )', 0), -1);
});

test('stringEnd: single and triple quotes, escapes, and a line end closing an unterminated string', () => {
  assert.equal(stringEnd('"abc" + x', 0), 5);
  assert.equal(stringEnd("x = 'a' + 'b'", 4), 7);
  assert.equal(stringEnd('"a\\"b" + x', 0), 6);
  assert.equal(stringEnd('"a\\\\" + "b"', 0), 5);
  assert.equal(stringEnd('"""a"b\n"c"""" x', 0), 12);
  assert.equal(stringEnd("'''a\\'''' x", 0), 9);
  // A single-quoted string cannot span lines: it ends at the newline.
  assert.equal(stringEnd('"abc\nx = 1', 0), 4);
  assert.equal(stringEnd("'abc\nx = 1", 0), 4);
  // Unterminated to the end of the text.
  assert.equal(stringEnd('"""abc\n', 0), 7);
  assert.equal(stringEnd('"abc', 0), 4);
});
