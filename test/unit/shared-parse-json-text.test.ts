/**
 * Reading back a JSON file: a byte-order mark at the start is tolerated (and only there), syntax
 * errors and format problems become one sentence that names the first three problems by field and
 * counts the rest, and no part of the sentence grows beyond 200 characters whatever the file holds.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { z } from 'zod';
import { checkJsonValue, describeProblems, parseJsonText } from '../../src/shared/schemas/parse-json-text';

test('a byte-order mark before the JSON is ignored', () => {
  assert.deepEqual(parseJsonText('\uFEFF{"a": 1}', z.object({ a: z.number() })), { ok: true, value: { a: 1 } });
});

test('a byte-order mark inside a JSON string is kept: it is the file\'s data', () => {
  assert.deepEqual(parseJsonText('"a\uFEFFb"', z.string()), { ok: true, value: 'a\uFEFFb' });
  assert.deepEqual(parseJsonText('\uFEFF"\uFEFF"', z.string()), { ok: true, value: '\uFEFF' });
});

test('text that is not JSON: syntax, the parser\'s message for the whole file', () => {
  const text = '{"a": 1,}';
  let parserMessage = '';
  try {
    JSON.parse(text);
  } catch (error) {
    parserMessage = (error as Error).message;
  }
  assert.ok(parserMessage.length > 0 && parserMessage.length <= 200);
  assert.deepEqual(parseJsonText(text, z.unknown()), { ok: false, syntax: true, problems: [{ path: '', message: parserMessage }], why: `is not valid JSON (${parserMessage})` });
});

test('valid JSON of the wrong shape: not a syntax error; each problem named by its field path', () => {
  const schema = z.object({ weights: z.object({ nonNegative: z.string() }), classes: z.array(z.object({ index: z.number() })) });
  const check = checkJsonValue({ weights: { nonNegative: 1 }, classes: [{ index: 0 }, { index: 'one' }] }, schema);
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.equal(check.syntax, false);
  assert.deepEqual(
    check.problems.map((p) => p.path),
    ['weights.nonNegative', 'classes[1].index'],
  );
  assert.equal(check.why, `does not match its format: ${describeProblems(check.problems)}`);
  const parsed = parseJsonText('{"weights": {"nonNegative": 1}, "classes": []}', schema);
  assert.deepEqual(parsed.ok ? 'accepted' : [parsed.syntax, parsed.problems.map((p) => p.path)], [false, ['weights.nonNegative']]);
});

test('describeProblems: three problems are all shown, with nothing added', () => {
  const three = [
    { path: 'a', message: 'one' },
    { path: '', message: 'two' },
    { path: 'c[0]', message: 'three' },
  ];
  assert.equal(describeProblems(three), 'a: one; (the whole file): two; c[0]: three');
  assert.equal(describeProblems(three.slice(0, 1)), 'a: one');
});

test('describeProblems: beyond three, the rest are counted', () => {
  const problems = ['a', 'b', 'c', 'd', 'e'].map((path) => ({ path, message: 'bad' }));
  assert.equal(describeProblems(problems.slice(0, 4)), 'a: bad; b: bad; c: bad (and 1 more)');
  assert.equal(describeProblems(problems), 'a: bad; b: bad; c: bad (and 2 more)');
});

test('describeProblems: a message of 200 characters is shown whole, a longer one cut to 197 and "..."', () => {
  const m200 = 'm'.repeat(200);
  assert.equal(describeProblems([{ path: 'x', message: m200 }]), `x: ${m200}`);
  assert.equal(describeProblems([{ path: 'x', message: `${m200}z` }]), `x: ${'m'.repeat(197)}...`);
  assert.equal(describeProblems([{ path: 'x', message: 'q'.repeat(100_000) }]), `x: ${'q'.repeat(197)}...`);
});

test('a hostile key in a field path is cut too', () => {
  const key = 'k'.repeat(5000);
  const check = checkJsonValue({ [key]: 'x' }, z.record(z.string(), z.number()));
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.equal(check.problems[0].path, `${'k'.repeat(197)}...`);
  const k200 = 'k'.repeat(200);
  const whole = checkJsonValue({ [k200]: 'x' }, z.record(z.string(), z.number()));
  assert.equal(!whole.ok && whole.problems[0].path, k200);
});
