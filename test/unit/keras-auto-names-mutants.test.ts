/**
 * Keras automatic names (mutation tests): the snake case Keras itself computes, which calls count as
 * named, strings and comments skipped, numbers placed among the model's own layers, notebook JSON.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constructorCalls, kerasSnakeCase, notebookCodeCells, parseAutoName, rankInModel } from '../../src/extension/keras-auto-names';

const named = (text: string): boolean[] => constructorCalls(text).map((c) => c.named);
const classes = (text: string): string[] => constructorCalls(text).map((c) => c.className);

test('kerasSnakeCase: a capitalised word takes its digits with it (Keras re.sub "(.)([A-Z][a-z0-9]+)")', () => {
  // "Block1" is one word: its "1" cannot start the next match, and "1L" gets no underscore.
  assert.equal(kerasSnakeCase('MyBlock1Layer'), 'my_block1layer');
});

test('parseAutoName: the number must end the name', () => {
  assert.deepEqual(parseAutoName('conv2d_1_x'), { prefix: 'conv2d_1_x', index: 0 });
  assert.deepEqual(parseAutoName('dense_12'), { prefix: 'dense', index: 12 });
});

test('constructorCalls: name= counts after "(" or "," with any spacing, and not as part of another keyword', () => {
  assert.deepEqual(named('Dense(name="d")'), [true]);
  assert.deepEqual(named('Dense(2,name="d")'), [true]);
  assert.deepEqual(named('Dense(2,   name = "d")'), [true]);
  assert.deepEqual(named('Dense(2, layer_name="d")'), [false]);
});

test('constructorCalls: a later call\'s name= does not make an earlier unnamed call named', () => {
  assert.deepEqual(named('Dense(2)\nDense(3, name="x")'), [false, true]);
});

test('constructorCalls: name= inside nested brackets belongs to them, and the outer level resumes after them', () => {
  // A lambda default inside a list or dict is not the layer's name.
  assert.deepEqual(named('Dense(2, activation=[lambda x, name=1: x][0])'), [false]);
  assert.deepEqual(named('Dense(2, activation={0: lambda x, name=1: x}[0])'), [false]);
  // After ], } or ) the call's own arguments continue.
  assert.deepEqual(named('Dense(2, k=[1][0], name="d")'), [true]);
  assert.deepEqual(named('Dense(2, k={1: 2}[1], name="d")'), [true]);
  assert.deepEqual(named('Dense(2, k=f(1), name="d")'), [true]);
});

test('constructorCalls: calls inside multi-line triple-quoted strings and single-quoted strings are skipped', () => {
  assert.deepEqual(classes('doc = """\nConv2D(1)\n"""\nDense(2)'), ['Dense']);
  assert.deepEqual(classes("doc = '''\nConv2D(1)\n'''\nDense(2)"), ['Dense']);
  assert.deepEqual(classes("s = 'Conv2D(1)'\nDense(2)"), ['Dense']);
  assert.deepEqual(classes("s = 'a'\nDense(2)"), ['Dense']);
});

test('rankInModel: the place among the model\'s numbers of that prefix, in numeric order', () => {
  assert.equal(rankInModel('conv2d_12', ['conv2d_13', 'conv2d_12']), 0);
  assert.equal(rankInModel('conv2d_12', ['conv2d_12', 'conv2d_13']), 0);
  assert.equal(rankInModel('conv2d_13', ['conv2d_13', 'dense_1', 'conv2d_20', 'conv2d_12']), 1);
  assert.equal(rankInModel('conv2d_20', ['conv2d_20', 'conv2d_13', 'conv2d_12', 'conv2d_4']), 3);
  assert.equal(rankInModel('conv2d_5', ['conv2d_1']), undefined);
});

test('notebookCodeCells: null, non-object cells and non-string source parts are ignored', () => {
  assert.deepEqual(notebookCodeCells('null'), []);
  assert.deepEqual(notebookCodeCells('{"cells": [null, 5, {"cell_type": "code", "source": "x"}]}'), [{ cell: 2, text: 'x' }]);
  assert.deepEqual(notebookCodeCells('{"cells": [{"cell_type": "code", "source": ["a", 1, "b"]}]}'), [{ cell: 0, text: 'ab' }]);
  assert.deepEqual(notebookCodeCells('{"cells": [{"cell_type": "code", "source": 5}]}'), [{ cell: 0, text: '' }]);
});
