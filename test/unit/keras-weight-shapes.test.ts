/**
 * A Keras weight must have the model's shape, not merely as many values: a transposed Dense kernel
 * ([out, in] for [in, out]) or a Conv2D kernel with its height and width swapped holds the right
 * number of values in the wrong layout, and loading it would give a model that computes nonsense.
 * It is refused before anything is read, naming layer, weight and both shapes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { assignKerasWeights, type KerasWeight } from '../../src/engine/model/keras/keras-weights';
import { loadKerasModel } from '../../src/engine/model/keras/load-keras-model';
import { isVebiError } from '../../src/shared/errors';
import { useBackend } from '../helpers/backend';
import { writePlan, type Hdf5Plan } from '../helpers/keras-fixture';

/** A weight as the file describes it; `reads` counts calls to read(). */
function fileWeight(name: string, shape: number[], reads: { count: number }): KerasWeight {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    name,
    shape,
    bytes: size * 4,
    read: () => {
      reads.count++;
      return Float32Array.from({ length: size }, (_, i) => i / size);
    },
  };
}

function refusal(layer: string, weight: string, expected: number[], given: number[]) {
  const list = (s: number[]) => `\\[${s.join(', ')}\\]`;
  return (error: unknown): boolean => {
    assert.ok(isVebiError(error), `expected a VebiError, got ${String(error)}`);
    assert.equal(error.code, 'MODEL_CORRUPT');
    assert.match(error.message, new RegExp(`layer "${layer}" weight "${weight}" should have shape ${list(expected)}, the file's ".*" has ${list(given)}`));
    assert.match(error.message, /save the model again/);
    return true;
  };
}

test('assignKerasWeights: a transposed Dense kernel and a Conv2D kernel with h and w swapped are refused before any value is read', async () => {
  await useBackend('wasm');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: [3, 2], name: 'conv', useBias: true }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, name: 'fc' }),
    ],
  });
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const baseline = tf.memory().numTensors;
  try {
    const reads = { count: 0 };
    const right = () =>
      new Map([
        ['conv', [fileWeight('conv/kernel', [3, 2, 1, 2], reads), fileWeight('conv/bias', [2], reads)]],
        ['fc', [fileWeight('fc/kernel', [40, 3], reads), fileWeight('fc/bias', [3], reads)]],
      ]);

    const transposedDense = right();
    transposedDense.set('fc', [fileWeight('fc/kernel', [3, 40], reads), fileWeight('fc/bias', [3], reads)]);
    assert.throws(() => assignKerasWeights(model, [], transposedDense, 'm.keras'), refusal('fc', 'fc/kernel', [40, 3], [3, 40]));

    const swappedConv = right();
    swappedConv.set('conv', [fileWeight('conv/kernel', [2, 3, 1, 2], reads), fileWeight('conv/bias', [2], reads)]);
    reads.count = 0;
    assert.throws(() => assignKerasWeights(model, [], swappedConv, 'm.keras'), refusal('conv', 'conv/kernel', [3, 2, 1, 2], [2, 3, 1, 2]));
    assert.equal(reads.count, 0, 'the refused layer read nothing (the check comes before the read)');

    // Same rank, same count, a bias given as [1, 3] for [3]: refused too.
    const reshapedBias = right();
    reshapedBias.set('fc', [fileWeight('fc/kernel', [40, 3], reads), fileWeight('fc/bias', [1, 3], reads)]);
    assert.throws(() => assignKerasWeights(model, [], reshapedBias, 'm.keras'), refusal('fc', 'fc/bias', [3], [1, 3]));

    assert.equal(tf.memory().numTensors, baseline, 'a refusal leaves no tensor behind');
    // The right shapes load (so the refusals above are about the shapes only).
    reads.count = 0;
    assignKerasWeights(model, [], right(), 'm.keras');
    assert.equal(reads.count, 4);
    assert.deepEqual(model.getLayer('fc').getWeights()[0].shape, [40, 3]);
    assert.notDeepEqual(model.getWeights().map((w) => [...w.dataSync()]), before.map((w) => [...w]));
    assert.equal(tf.memory().numTensors, baseline);
  } finally {
    model.dispose();
  }
});

// ---------------------------------------------------------------- through a .keras file

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const history = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [layer, 0, 0] } });

/** Keras 3 config: input [4, 4, 1] -> Flatten -> Dense(3, softmax) named "fc". */
function tinyConfig(): Record<string, unknown> {
  const layer = (className: string, name: string, config: Record<string, unknown>, input: string) => ({
    module: 'keras.layers',
    class_name: className,
    config: { name, trainable: true, dtype: POLICY, ...config },
    registered_name: null,
    build_config: { input_shape: null },
    name,
    inbound_nodes: [{ args: [history(input)], kwargs: {} }],
  });
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4, 4, 1], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
        layer('Flatten', 'flatten', { data_format: 'channels_last' }, 'input_layer'),
        layer('Dense', 'fc', { units: 3, activation: 'softmax', use_bias: true }, 'flatten'),
      ],
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['fc', 0, 0]],
    },
    registered_name: 'Functional',
  };
}

async function writeTinyKeras(file: string, kernelShape: number[]): Promise<void> {
  const plan: Hdf5Plan = {
    groups: ['layers/flatten/vars', 'layers/dense/vars'],
    attrs: [
      { path: 'layers/flatten/vars', name: 'name', kind: 'str', value: 'flatten' },
      { path: 'layers/dense/vars', name: 'name', kind: 'str', value: 'fc' },
    ],
    datasets: [
      { path: 'layers/dense/vars/0', shape: kernelShape, data: Float32Array.from({ length: 48 }, (_, i) => (i % 7) / 7 - 0.5) },
      { path: 'layers/dense/vars/1', shape: [3], data: Float32Array.of(0.1, -0.2, 0.3) },
    ],
  };
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  writeFileSync(file, zipSync({ 'metadata.json': text({ keras_version: '3.13.2' }), 'config.json': text(tinyConfig()), 'model.weights.h5': await writePlan(plan, 'h5wasm') }));
}

test('a .keras whose Dense kernel is stored transposed ([3, 16] for [16, 3]) is refused, naming layer, weight and shapes', async () => {
  await useBackend('wasm');
  const root = mkdtempSync(path.join(tmpdir(), 'vebi-keras-shapes-'));
  const baseline = tf.memory().numTensors;
  try {
    const good = path.join(root, 'good.keras');
    await writeTinyKeras(good, [16, 3]);
    const model = await loadKerasModel(good);
    assert.deepEqual(model.getLayer('fc').getWeights()[0].shape, [16, 3], 'the fixture itself loads');
    model.dispose();

    const transposed = path.join(root, 'transposed.keras');
    await writeTinyKeras(transposed, [3, 16]);
    await assert.rejects(loadKerasModel(transposed), refusal('fc', 'fc/kernel', [16, 3], [3, 16]));
    assert.equal(tf.memory().numTensors, baseline, 'no tensor leaks, the refused model included');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
