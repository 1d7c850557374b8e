/**
 * Preprocessing as the user types it (CLI flag, setting, vebi.json string) and as a report records
 * it (the object form): every form that is meant to work does, every broken one is refused with a
 * message that says what is wrong and shows the accepted forms.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { VebiError } from '../../src/shared/errors';
import { formatPreprocessing, parsePreprocessing, PREPROCESSING_HELP } from '../../src/shared/preprocessing-text';
import { PREPROCESSING_SCHEMA } from '../../src/shared/schemas/params';

function refusal(flag: string): string {
  try {
    parsePreprocessing(flag);
  } catch (error) {
    assert.ok(error instanceof VebiError);
    assert.equal(error.code, 'BAD_ARGUMENT');
    return error.message;
  }
  assert.fail(`${flag} was accepted`);
}

test('the named forms, and meanstd with and without a scale', () => {
  assert.deepEqual(parsePreprocessing(' unit '), { kind: 'unit' });
  assert.deepEqual(parsePreprocessing('raw'), { kind: 'raw' });
  assert.deepEqual(parsePreprocessing('symmetric'), { kind: 'symmetric' });
  assert.deepEqual(parsePreprocessing('meanstd:0.485,0.456,0.406:0.229,0.224,0.225'), { kind: 'meanstd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  assert.deepEqual(parsePreprocessing('meanstd:0.5, 0.25 :0.2,0.3'), { kind: 'meanstd', mean: [0.5, 0.25], std: [0.2, 0.3] });
  assert.deepEqual(parsePreprocessing('meanstd:0.5:0.25:unit'), { kind: 'meanstd', mean: [0.5], std: [0.25], scale: 'unit' });
  assert.deepEqual(parsePreprocessing('meanstd:127.5:64:raw'), { kind: 'meanstd', mean: [127.5], std: [64], scale: 'raw' });
});

test('a blank value in a list (even a space) is refused, not read as 0', () => {
  const cases: [flag: string, list: string][] = [
    ['meanstd:0.5, :0.2,0.3', '0.5, '],
    ['meanstd:0.5,:0.2,0.3', '0.5,'],
    ['meanstd:0.5,0.4:0.2, :unit', '0.2, '],
    ['meanstd: ,0.4:0.2,0.3', ' ,0.4'],
  ];
  for (const [flag, list] of cases) {
    assert.equal(refusal(flag), `Preprocessing '${flag}': '${list}' is not a comma-separated list of numbers. ${PREPROCESSING_HELP}`);
  }
});

test('one value that is not a number spoils the list', () => {
  assert.equal(refusal('meanstd:0.5,abc:0.2,0.3'), `Preprocessing 'meanstd:0.5,abc:0.2,0.3': '0.5,abc' is not a comma-separated list of numbers. ${PREPROCESSING_HELP}`);
  assert.equal(refusal('meanstd:0.5:Infinity'), `Preprocessing 'meanstd:0.5:Infinity': 'Infinity' is not a comma-separated list of numbers. ${PREPROCESSING_HELP}`);
});

test('a std of 0, mismatched counts and an unknown scale are refused', () => {
  assert.equal(refusal('meanstd:0.5:0'), `Preprocessing 'meanstd:0.5:0': a std of 0 would divide by zero. ${PREPROCESSING_HELP}`);
  assert.equal(refusal('meanstd:0.5,0.5:0.2'), `Preprocessing 'meanstd:0.5,0.5:0.2': 2 mean values but 1 std values; give the same number of each. ${PREPROCESSING_HELP}`);
  assert.equal(refusal('meanstd:0.5:0.2:pixels'), `Preprocessing 'meanstd:0.5:0.2:pixels': the scale must be 'unit' or 'raw', got 'pixels'. ${PREPROCESSING_HELP}`);
  assert.equal(refusal('meanstd:0.5:0.2:'), `Preprocessing 'meanstd:0.5:0.2:': the scale must be 'unit' or 'raw', got ''. ${PREPROCESSING_HELP}`);
});

test('other kinds, and meanstd with too few or too many parts, are unknown', () => {
  for (const flag of ['foo:1:2', 'unit:1:2', 'meanstd', 'meanstd:1', 'meanstd:1:2:unit:x', 'MEANSTD:1:2', '']) {
    assert.equal(refusal(flag), `Unknown preprocessing '${flag}'. ${PREPROCESSING_HELP}`);
  }
});

test('formatPreprocessing is the inverse of parsePreprocessing, scale included', () => {
  assert.equal(formatPreprocessing({ kind: 'symmetric' }), 'symmetric');
  assert.equal(formatPreprocessing({ kind: 'meanstd', mean: [0.5, 0.4], std: [0.2, 0.1] }), 'meanstd:0.5,0.4:0.2,0.1');
  assert.equal(formatPreprocessing({ kind: 'meanstd', mean: [127.5], std: [64], scale: 'raw' }), 'meanstd:127.5:64:raw');
  for (const flag of ['unit', 'raw', 'meanstd:0.5,0.4:0.2,0.1', 'meanstd:127.5:64:raw', 'meanstd:0.5:0.25:unit']) {
    assert.equal(formatPreprocessing(parsePreprocessing(flag)), flag);
  }
});

/** The one message the schema gives for `value`, or undefined when it accepts it. */
function schemaMessage(value: unknown): string | undefined {
  const result = PREPROCESSING_SCHEMA.safeParse(value);
  if (result.success) return undefined;
  assert.equal(result.error.issues.length, 1);
  return result.error.issues[0].message;
}

const MEANSTD_VALUES = '"preprocessing" of kind "meanstd" needs "mean" and "std" as non-empty arrays of numbers.';

test('schema: meanstd with one or three values per channel list is accepted', () => {
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.5], std: [0.25] }), undefined);
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 'unit' }), undefined);
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [127.5, 127.5], std: [64, 64], scale: 'raw' }), undefined);
});

test('schema: mean or std that is not a non-empty array of numbers gets the one sentence that says so', () => {
  for (const mean of [[], 'x', 0.5, null, ['0.5']]) {
    assert.equal(schemaMessage({ kind: 'meanstd', mean, std: [0.25] }), MEANSTD_VALUES, JSON.stringify(mean));
    assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.5], std: mean }), MEANSTD_VALUES, JSON.stringify(mean));
  }
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.5], std: [0] }), '"preprocessing" has a std of 0 (division by zero).');
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.5], std: [0.25], scale: 'pixels' }), '"preprocessing.scale" must be "unit" or "raw", got "pixels".');
  assert.equal(schemaMessage({ kind: 'meanstd', mean: [0.5], std: [0.25], scale: 1 }), '"preprocessing.scale" must be "unit" or "raw", got 1.');
});

test('schema: a string is pointed to the object form; another non-object to both forms; a bad kind is named', () => {
  assert.equal(schemaMessage('unit'), '"preprocessing" must be an object here ({"kind": "unit" | "raw" | "symmetric" | "meanstd", ...}).');
  assert.equal(schemaMessage(''), '"preprocessing" must be an object here ({"kind": "unit" | "raw" | "symmetric" | "meanstd", ...}).');
  for (const value of [5, true, null, undefined, [], [{ kind: 'unit' }]]) {
    assert.equal(schemaMessage(value), `"preprocessing" must be a string or an object. ${PREPROCESSING_HELP}`, JSON.stringify(value));
  }
  assert.equal(schemaMessage({ kind: 'Unit' }), '"preprocessing.kind" must be "unit", "raw", "symmetric" or "meanstd", got "Unit".');
  assert.equal(schemaMessage({}), '"preprocessing.kind" must be "unit", "raw", "symmetric" or "meanstd", got undefined.');
});
