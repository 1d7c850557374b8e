/**
 * Two things the graph-model adapter reads off the GraphDef, checked on a small hand-written graph
 * whose every value is recomputed here with plain tfjs ops:
 * - the class scores are the node *before* the Softmax (explanations and the sparse fit need
 *   pre-softmax logits; probabilities are the softmax of those);
 * - a Pad node moves the grid of what follows by its top/left padding: the units after it see
 *   input rows starting that many pixels *before* the image (a negative offset).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/engine';
import { useBackend } from '../helpers/backend';
import { seededRandom } from '../helpers/seeded-random';
import { randomImages } from '../helpers/tiny-models';

const H = 5;
const W = 5;
/** Pad: top 2, bottom 1, left 1, right 0 (asymmetric, so a swapped axis or sign shows). */
const PADS = [[0, 0], [2, 1], [1, 0], [0, 0]];
const FILTERS = 4;
const OUT_H = H + 3 - 2;
const OUT_W = W + 1 - 2;
const FLAT = OUT_H * OUT_W * FILTERS;
const CLASSES = 3;

interface Weights {
  kernel: Float32Array;
  dense: Float32Array;
  bias: Float32Array;
}

/**
 * image [5, 5, 1] -> Pad -> Conv2D 3x3 VALID -> Relu -> Reshape -> MatMul -> BiasAdd -> Softmax,
 * as tensorflowjs_converter writes a graph model. Returns the weights for the reference.
 */
async function writePadGraphModel(dir: string): Promise<Weights> {
  const rand = seededRandom(11);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
  const float = { T: { type: 'DT_FLOAT' } };
  const manifest: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  const buffers: Buffer[] = [];
  const constant = (name: string, shape: number[], data: Float32Array | Int32Array) => {
    const dtype = data instanceof Float32Array ? 'float32' : 'int32';
    manifest.push({ name, shape, dtype });
    buffers.push(Buffer.from(data.buffer));
    const type = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    return { name, op: 'Const', attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } } } };
  };
  const weights: Weights = {
    kernel: Float32Array.from({ length: 3 * 3 * FILTERS }, () => 2 * rand() - 1),
    dense: Float32Array.from({ length: FLAT * CLASSES }, () => (2 * rand() - 1) * 0.3),
    bias: Float32Array.of(0.5, -0.25, 1.5),
  };
  const nodes = [
    { name: 'image', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [-1, H, W, 1].map((s) => ({ size: String(s) })) } } } },
    constant('pad/paddings', [4, 2], Int32Array.from(PADS.flat())),
    { name: 'pad', op: 'Pad', input: ['image', 'pad/paddings'], attr: { ...float, Tpaddings: { type: 'DT_INT32' } } },
    constant('conv/kernel', [3, 3, 1, FILTERS], weights.kernel),
    { name: 'conv/Conv2D', op: 'Conv2D', input: ['pad', 'conv/kernel'], attr: { ...float, data_format: { s: b64('NHWC') }, dilations: ints(1, 1, 1, 1), strides: ints(1, 1, 1, 1), padding: { s: b64('VALID') } } },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/Conv2D'], attr: float },
    constant('flat/shape', [2], Int32Array.of(-1, FLAT)),
    { name: 'flat', op: 'Reshape', input: ['conv/Relu', 'flat/shape'], attr: { ...float, Tshape: { type: 'DT_INT32' } } },
    constant('dense/kernel', [FLAT, CLASSES], weights.dense),
    constant('dense/bias', [CLASSES], weights.bias),
    { name: 'dense/MatMul', op: 'MatMul', input: ['flat', 'dense/kernel'], attr: { ...float, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul', 'dense/bias'], attr: { ...float, data_format: { s: b64('NHWC') } } },
    { name: 'probs', op: 'Softmax', input: ['dense/BiasAdd'], attr: float },
  ];
  const json = {
    format: 'graph-model',
    generatedBy: 'vebi test',
    convertedBy: 'hand',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: manifest }],
  };
  await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(buffers));
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  return weights;
}

/** The graph's class scores (before the softmax), with plain tfjs ops. */
function referenceLogits(x: tf.Tensor4D, w: Weights): tf.Tensor2D {
  return tf.tidy(() => {
    const padded = tf.pad(x, PADS as [number, number][]);
    const conv = tf.relu(tf.conv2d(padded, tf.tensor4d(w.kernel, [3, 3, 1, FILTERS]), 1, 'valid'));
    return tf.add(tf.matMul(tf.reshape(conv, [x.shape[0], FLAT]), tf.tensor2d(w.dense, [FLAT, CLASSES])), tf.tensor1d(w.bias)) as tf.Tensor2D;
  });
}

async function withModel(run: (model: Awaited<ReturnType<typeof loadModel>>, weights: Weights) => Promise<void> | void): Promise<void> {
  await useBackend('wasm');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-graph-logits-'));
  try {
    const weights = await writePadGraphModel(dir);
    const model = await loadModel(dir);
    try {
      await run(model, weights);
    } finally {
      model.dispose();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('graph model: logits are the node before the Softmax, probabilities their softmax, score gradients of the logits', async () => {
  await withModel((model, weights) => {
    assert.equal(model.format, 'tfjs-graph');
    assert.equal(model.numClasses, CLASSES);
    const x = randomImages(2, [H, W, 1], 5);
    const expected = referenceLogits(x, weights);
    const baseline = tf.memory().numTensors;
    const { outputs, logits, probs } = model.forward(x, []);
    assert.deepEqual(logits.shape, [2, CLASSES]);
    assert.ok(maxDiff(logits, expected) < 1e-4, `logits are the pre-softmax scores (max diff ${maxDiff(logits, expected)})`);
    const sums = tf.tidy(() => [...tf.sum(logits, 1).dataSync()]);
    assert.ok(sums.every((s) => Math.abs(s - 1) > 0.1), `logits are not probabilities (row sums ${sums})`);
    const expectedProbs = tf.softmax(expected);
    assert.ok(maxDiff(probs, expectedProbs) < 1e-5, 'probabilities are the softmax of the logits, applied once');

    // The gradient explanations use is d(seed . logits)/dx, not of the probabilities.
    const seed = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const { activation, gradient } = model.scoreGradient(x, seed);
    const reference = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(referenceLogits(z as tf.Tensor4D, weights), seed)))(x);
    assert.ok(tf.tidy(() => tf.max(tf.abs(reference)).dataSync()[0]) > 1e-3, 'the reference gradient is not trivially zero');
    assert.ok(maxDiff(gradient, reference) < 1e-4, `score gradient of the logits (max diff ${maxDiff(gradient, reference)})`);
    tf.dispose([...outputs, logits, probs, expectedProbs, seed, activation, gradient, reference]);
    assert.equal(tf.memory().numTensors, baseline, 'no tensor leaks');
    tf.dispose([x, expected]);
  });
});

test('graph model: a Pad (top 2, left 1) shifts the receptive fields after it up and left (negative offsets), as the computation does', async () => {
  await withModel((model) => {
    // Unit (h, w) of the 3x3 VALID conv reads padded rows h..h+2 = image rows h-2..h, columns w-1..w+1.
    const expected = { size: [3, 3], jump: [1, 1], offset: [-2, -1] };
    assert.deepEqual(model.receptiveField('conv/Conv2D'), expected);
    assert.deepEqual(model.receptiveField('conv/Relu'), expected);

    // Empirically: changing image pixel (0, 0) changes exactly the conv units whose field holds it.
    const baseline = tf.memory().numTensors;
    const x = randomImages(1, [H, W, 1], 9);
    const bumped = tf.tidy(() => tf.add(x, tf.pad(tf.ones([1, 1, 1, 1]), [[0, 0], [0, H - 1], [0, W - 1], [0, 0]]))) as tf.Tensor4D;
    const a = model.forward(x, ['conv/Conv2D']);
    const b = model.forward(bumped, ['conv/Conv2D']);
    const changed = tf.tidy(() => tf.greater(tf.max(tf.abs(tf.sub(a.outputs[0], b.outputs[0])), -1), 1e-6).squeeze([0]).arraySync() as number[][]);
    const field = model.receptiveField('conv/Conv2D');
    if (!field) return assert.fail('conv/Conv2D has a receptive field');
    for (let h = 0; h < OUT_H; h++) {
      for (let w = 0; w < OUT_W; w++) {
        const top: number = field.offset[0] + h * field.jump[0];
        const left: number = field.offset[1] + w * field.jump[1];
        const covers: boolean = top <= 0 && 0 <= top + field.size[0] - 1 && left <= 0 && 0 <= left + field.size[1] - 1;
        assert.equal(changed[h][w] === 1, covers, `unit (${h}, ${w}): field rows ${top}.., columns ${left}..`);
      }
    }
    assert.equal(changed.flat().filter((v) => v === 1).length, 3 * 2, 'rows 0-2, columns 0-1 of the conv output');
    tf.dispose([x, bumped, ...a.outputs, a.logits, a.probs, ...b.outputs, b.logits, b.probs]);
    assert.equal(tf.memory().numTensors, baseline, 'no tensor leaks');
  });
});
