/**
 * vebi.json, written by hand next to a model: its messages are shown as they are, so they are
 * checked whole. Keys starting with "$" or "_" are comments; any other unknown key is a typo.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PREPROCESSING_HELP } from '../../src/shared/preprocessing-text';
import { VEBI_JSON_SCHEMA } from '../../src/shared/schemas/vebi-json';

function messages(value: unknown): string[] {
  const result = VEBI_JSON_SCHEMA.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

test('comment keys starting with "$" or "_" are ignored', () => {
  assert.deepEqual(VEBI_JSON_SCHEMA.parse({ $comment: 'x', _note: 'y', preprocessing: 'raw' }), { preprocessing: { kind: 'raw' } });
  assert.deepEqual(messages({ _: 1, $: 2 }), []);
});

test('an unknown key is named, quoted, with the known keys', () => {
  assert.deepEqual(messages({ preprocesing: 'unit' }), ['unknown key(s) "preprocesing"; the known keys are "preprocessing", "classNames".']);
  assert.deepEqual(messages({ note_: 1, 'a$': 2 }), ['unknown key(s) "note_", "a$"; the known keys are "preprocessing", "classNames".']);
});

test('object form: mean and std must have as many values as each other', () => {
  assert.deepEqual(messages({ preprocessing: { kind: 'meanstd', mean: [0.485, 0.456, 0.406], std: [0.229] } }), ['"preprocessing" has 3 mean values but 1 std values.']);
  assert.deepEqual(messages({ preprocessing: { kind: 'meanstd', mean: [0.5], std: [0.2, 0.3] } }), ['"preprocessing" has 1 mean values but 2 std values.']);
  assert.deepEqual(VEBI_JSON_SCHEMA.parse({ preprocessing: { kind: 'meanstd', mean: [0.5, 0.4], std: [0.2, 0.3], scale: 'unit' } }), {
    preprocessing: { kind: 'meanstd', mean: [0.5, 0.4], std: [0.2, 0.3], scale: 'unit' },
  });
});

test('a failure shows the message of the form the value was meant to be', () => {
  assert.deepEqual(messages({ preprocessing: 'meanstd:0.5,0.4:0.2' }), [
    `"preprocessing" is not valid: Preprocessing 'meanstd:0.5,0.4:0.2': 2 mean values but 1 std values; give the same number of each. ${PREPROCESSING_HELP}`,
  ]);
  assert.deepEqual(messages({ preprocessing: { kind: 'gray' } }), ['"preprocessing.kind" must be "unit", "raw", "symmetric" or "meanstd", got "gray".']);
  assert.deepEqual(messages({ preprocessing: 7 }), [`"preprocessing" must be a string or an object. ${PREPROCESSING_HELP}`]);
});

test('classNames: "." and ".." and names with a separator are not folder names', () => {
  for (const bad of ['.', '..', 'a/b', 'a\\b']) {
    assert.deepEqual(messages({ classNames: ['cat', bad] }), [`"classNames" entry "${bad}" is not a folder name.`], bad);
  }
  assert.deepEqual(VEBI_JSON_SCHEMA.parse({ classNames: ['cat', '...', '.dog', 'a..b'] }), { classNames: ['cat', '...', '.dog', 'a..b'] });
  assert.deepEqual(messages({ classNames: ['cat', 'cat'] }), ['"classNames" lists "cat" twice.']);
});
