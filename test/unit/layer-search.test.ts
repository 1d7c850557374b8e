/**
 * Finding a layer's definition in training code: explicit names, and Keras's automatic names
 * (conv2d, conv2d_1, max_pooling2d, ...) counted over unnamed constructor calls, in scripts and
 * notebooks; checked against the layer names and classes of real third-party Keras 3 files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { constructorCalls, findAutoNamedCall, kerasSnakeCase, notebookCodeCells, parseAutoName } from '../../src/extension/keras-auto-names';
import { foldersApart } from '../../src/extension/folder-distance';
import { codeFile, searchLayer, type LayerSearchResult } from '../../src/extension/layer-search';
import { openKerasFile } from '../../src/engine/model/keras/read-keras-file';

const REAL_MODELS = path.resolve(__dirname, '../../../shared/real-models');
const skipReal = existsSync(REAL_MODELS) ? false : `no ${REAL_MODELS} on this machine`;

/** A training script written as most are: Sequential, unnamed layers, one named. */
const TRAIN_PY = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from keras.layers import Dense

# layers.Conv2D(8, 3) in a comment is not a layer
model = keras.Sequential([
    layers.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(64, (3, 3), activation="relu", padding="same"),
    layers.Conv2D(16, 1, name="squeeze"),
    keras.layers.MaxPooling2D(pool_size=(2, 2)),
    layers.BatchNormalization(),
    layers.Flatten(),
    Dense(128, activation="relu"),
    layers.Dense(
        10,
        activation="softmax",
    ),
])
print("layers.Dense(3) in a string is not a layer")
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
`;

function lineOf(text: string, line: number): string {
  return text.split('\n')[line];
}

function found(result: LayerSearchResult): Extract<LayerSearchResult, { kind: 'found' }>['match'] {
  assert.equal(result.kind, 'found', JSON.stringify(result));
  return (result as Extract<LayerSearchResult, { kind: 'found' }>).match;
}

test("Keras's snake case of class names", () => {
  const cases: Record<string, string> = {
    Conv2D: 'conv2d',
    MaxPooling2D: 'max_pooling2d',
    BatchNormalization: 'batch_normalization',
    GlobalAveragePooling2D: 'global_average_pooling2d',
    Dense: 'dense',
    DepthwiseConv2D: 'depthwise_conv2d',
    Conv2DTranspose: 'conv2d_transpose',
    ReLU: 're_lu',
    PReLU: 'p_re_lu',
    InputLayer: 'input_layer',
  };
  for (const [cls, snake] of Object.entries(cases)) assert.equal(kerasSnakeCase(cls), snake, cls);
});

test('automatic names parse into prefix and number; other names do not', () => {
  assert.deepEqual(parseAutoName('conv2d'), { prefix: 'conv2d', index: 0 });
  assert.deepEqual(parseAutoName('conv2d_1'), { prefix: 'conv2d', index: 1 });
  assert.deepEqual(parseAutoName('max_pooling2d_12'), { prefix: 'max_pooling2d', index: 12 });
  assert.deepEqual(parseAutoName('conv2d_0'), { prefix: 'conv2d_0', index: 0 }); // Keras never writes _0
  assert.equal(parseAutoName('Conv1'), undefined);
  assert.equal(parseAutoName('block1/conv'), undefined);
});

test('constructor calls: qualified and bare, in order, named ones marked, comments and strings skipped', () => {
  const calls = constructorCalls(TRAIN_PY).map((c) => `${c.className}${c.named ? '*' : ''}`);
  assert.deepEqual(calls, ['Sequential', 'Input', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Conv2D*', 'MaxPooling2D', 'BatchNormalization', 'Flatten', 'Dense', 'Dense', 'Adam']);
});

test('the k-th unnamed call of the class is the automatically named layer', () => {
  const cases: Array<[string, string]> = [
    ['conv2d', 'layers.Conv2D(32, 3'],
    ['conv2d_1', 'tf.keras.layers.Conv2D(64'],
    ['max_pooling2d', 'layers.MaxPooling2D()'],
    ['max_pooling2d_1', 'keras.layers.MaxPooling2D(pool_size'],
    ['batch_normalization', 'layers.BatchNormalization()'],
    ['dense', 'Dense(128'],
    ['dense_1', 'layers.Dense('],
  ];
  for (const [layer, expected] of cases) {
    const match = found(searchLayer([codeFile('train.py', TRAIN_PY)], layer));
    assert.equal(match.how, 'auto', layer);
    assert.ok(lineOf(TRAIN_PY, match.line).includes(expected), `${layer}: line "${lineOf(TRAIN_PY, match.line)}"`);
    assert.equal(lineOf(TRAIN_PY, match.line).slice(match.character, match.character + match.length), match.className, `${layer} selects the class name`);
  }
  // The named Conv2D takes no number: a third unnamed Conv2D does not exist.
  assert.equal(findAutoNamedCall(TRAIN_PY, 'conv2d_2'), undefined);
  const none = searchLayer([codeFile('train.py', TRAIN_PY)], 'conv2d_2');
  assert.equal(none.kind, 'none');
  assert.match((none as { reason: string }).reason, /3 unnamed layers whose Keras name starts with "conv2d"/);
});

test('an explicit name wins over counting', () => {
  const match = found(searchLayer([codeFile('train.py', TRAIN_PY)], 'squeeze'));
  assert.equal(match.how, 'name');
  assert.match(lineOf(TRAIN_PY, match.line), /name="squeeze"/);
  assert.equal(lineOf(TRAIN_PY, match.line).slice(match.character, match.character + match.length), 'squeeze');
});

test('the functional API counts the same way; only Python files count', () => {
  const functional = `inputs = keras.Input((32, 32, 3))\nx = layers.Conv2D(16, 3)(inputs)\nx = layers.Conv2D(32, 3, strides=2)(x)\noutputs = layers.Dense(10)(layers.Flatten()(x))\n`;
  const match = found(searchLayer([codeFile('net.js', functional), codeFile('model.py', functional)], 'conv2d_1'));
  assert.equal(match.file, 'model.py');
  assert.equal(match.line, 2);
});

test('several scripts with the call: ambiguous, every candidate offered', () => {
  const other = 'import keras\nm = keras.Sequential([keras.layers.Conv2D(4, 3), keras.layers.Dense(2)])\n';
  const result = searchLayer([codeFile('a/train.py', TRAIN_PY), codeFile('b/other.py', other)], 'conv2d');
  assert.equal(result.kind, 'ambiguous');
  assert.deepEqual((result as { matches: Array<{ file: string }> }).matches.map((m) => m.file), ['a/train.py', 'b/other.py']);
  // The script in the model's folder (or nearest above it) built it.
  assert.equal(found(searchLayer([codeFile('/w/a/train.py', TRAIN_PY), codeFile('/w/b/other.py', other)], 'conv2d', [], '/w/b/model')).file, '/w/b/other.py');
  assert.equal(found(searchLayer([codeFile('/w/a/train.py', TRAIN_PY), codeFile('/w/b/other.py', other)], 'conv2d', [], '/w/a')).file, '/w/a/train.py');
  assert.equal(searchLayer([codeFile('/w/a/train.py', TRAIN_PY), codeFile('/w/b/other.py', other)], 'conv2d', [], '/w/models').kind, 'ambiguous');
  assert.equal(foldersApart('/w/a', '/w/a/sub/x.py'), 0);
  assert.equal(foldersApart('/w/a/b', '/w/x.py'), 2);
  // The second Conv2D exists only in train.py: unique.
  assert.equal(found(searchLayer([codeFile('a/train.py', TRAIN_PY), codeFile('b/other.py', other)], 'conv2d_1')).file, 'a/train.py');
});

test('notebooks: code cells counted in order across cells, markdown skipped, the cell and line given', () => {
  const notebook = JSON.stringify({
    cells: [
      { cell_type: 'markdown', source: ['We use layers.Conv2D(3, 3) here\n'] },
      { cell_type: 'code', source: ['from tensorflow.keras import layers\n', 'a = layers.Conv2D(8, 3)\n'] },
      { cell_type: 'code', source: 'b = layers.Dense(4)\n\nc = layers.Conv2D(16, 3)\n' },
    ],
    nbformat: 4,
  });
  assert.deepEqual(notebookCodeCells(notebook).map((c) => c.cell), [1, 2]);
  const first = found(searchLayer([codeFile('train.ipynb', notebook)], 'conv2d'));
  assert.deepEqual([first.cell, first.line, first.character], [1, 1, 11]);
  const second = found(searchLayer([codeFile('train.ipynb', notebook)], 'conv2d_1'));
  assert.deepEqual([second.cell, second.line, second.character], [2, 2, 11]);
  assert.deepEqual(notebookCodeCells('{not json'), []);
  assert.deepEqual(notebookCodeCells('{"cells": 3}'), []);
});

test('numbers that did not start at 0 (a notebook session that built models before) are placed by the model\'s own layers', () => {
  const model = ['conv2d_12', 'max_pooling2d_12', 'conv2d_13', 'dense_12', 'dense_13'];
  const match = found(searchLayer([codeFile('train.py', TRAIN_PY)], 'conv2d_13', model));
  assert.equal(match.counted, 'relative');
  assert.match(lineOf(TRAIN_PY, match.line), /tf\.keras\.layers\.Conv2D\(64/);
  // Without the model's names there is nothing to count from.
  assert.equal(searchLayer([codeFile('train.py', TRAIN_PY)], 'conv2d_13').kind, 'none');
  // A script with enough calls is counted exactly, as a fresh process numbers them.
  assert.equal(found(searchLayer([codeFile('train.py', TRAIN_PY)], 'conv2d_1', ['conv2d_1'])).counted, 'exact');
});

test('real Keras 3 files: every layer name resolves to a call of its own class in a script that builds it', { skip: skipReal }, async () => {
  for (const file of ['mnist-cnn-keras3.keras', 'mnist-cnn-keras3.h5']) {
    const layers = await openKerasFile(path.join(REAL_MODELS, file), async (keras) => keras.model.layers.map((l) => ({ name: l.sourceName, className: l.className })));
    const built = layers.filter((l) => l.className !== 'InputLayer');
    assert.ok(built.length >= 7, `${file}: ${built.length} layers`);
    const script = `from tensorflow.keras import layers, models\nmodel = models.Sequential([\n${built.map((l) => `    layers.${l.className}(),`).join('\n')}\n])\n`;
    for (const [k, layer] of built.entries()) {
      const match = found(searchLayer([codeFile('train.py', script)], layer.name, layers.map((l) => l.name)));
      assert.equal(match.className, layer.className, `${file}: ${layer.name}`);
      assert.equal(match.line, 2 + k, `${file}: ${layer.name} is the layer built on line ${3 + k}`);
    }
  }
});
