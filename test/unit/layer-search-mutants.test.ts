/**
 * Layer search (mutation tests): explicit names in notebook cells, which files are Python, which
 * file's module path wins, and the reasons given when nothing is found.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeFile, searchLayer, type CodeFile } from '../../src/extension/layer-search';

const notebook = (...cells: string[]): string => JSON.stringify({ cells: cells.map((source) => ({ cell_type: 'code', source })) });

test('an explicit name in a notebook is placed in its cell', () => {
  const result = searchLayer([codeFile('nb.ipynb', notebook('import keras', 'x = 1\nDense(2, name="head")'))], 'head');
  assert.deepEqual(result, { kind: 'found', match: { file: 'nb.ipynb', cell: 1, line: 1, character: 15, length: 4, how: 'name' } });
});

test('a plain name is never read as a module path: conv2d_1 is the second Conv2D, not `conv2d = ...` with a suffix', () => {
  const result = searchLayer([codeFile('t.py', 'conv2d = layers.Conv2D(1, 3)\nx = layers.Conv2D(2, 3)')], 'conv2d_1');
  assert.equal(result.kind, 'found');
  assert.equal(result.kind === 'found' && result.match.how, 'auto');
  assert.equal(result.kind === 'found' && result.match.line, 1);
});

test('only .py/.pyw files (and notebooks) are searched for module paths and automatic names', () => {
  assert.equal(searchLayer([codeFile('net.py.bak', 'self.features = nn.Sequential(a)')], 'features.0').kind, 'none');
  assert.equal(searchLayer([codeFile('train.py.bak', 'layers.Dense(2)')], 'dense').kind, 'none');
  assert.equal(searchLayer([codeFile('train.pyw', 'layers.Dense(2)')], 'dense').kind, 'found');
});

test('module paths: the file resolving the most wins, the first of equals; files without a match are passed over', () => {
  const deep = codeFile('a.py', 'self.features = nn.Sequential(a, b)');
  const shallow = codeFile('b.py', 'self.features = make()');
  const other = codeFile('c.py', 'x = 1');
  const file = (files: CodeFile[]) => {
    const r = searchLayer(files, 'features.1');
    return r.kind === 'found' ? [r.match.file, r.match.resolved] : r.kind;
  };
  assert.deepEqual(file([deep, shallow]), ['a.py', 'features.1']);
  assert.deepEqual(file([shallow, deep]), ['a.py', 'features.1']);
  assert.deepEqual(file([deep, codeFile('e.py', deep.text)]), ['a.py', 'features.1']);
  assert.deepEqual(file([shallow, codeFile('d.py', 'self.features = other()')]), ['b.py', 'features']);
  assert.deepEqual(file([deep, other]), ['a.py', 'features.1']);
});

test('the reasons when nothing is found', () => {
  const none = (layer: string) => {
    const r = searchLayer([codeFile('t.py', 'x = 1')], layer);
    return r.kind === 'none' ? r.reason : r.kind;
  };
  assert.equal(none('dense'), '"dense" is not written in the workspace\'s code, and no script or notebook has 1 unnamed layer whose Keras name starts with "dense"');
  assert.equal(none('dense_2'), '"dense_2" is not written in the workspace\'s code, and no script or notebook has 3 unnamed layers whose Keras name starts with "dense"');
  assert.equal(none('Conv-1'), '"Conv-1" is not written in the workspace\'s code');
});
