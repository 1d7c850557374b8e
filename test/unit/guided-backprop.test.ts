import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { buildBranchy, buildLeNet, buildMobileLike, randomImages, seedWeights } from '../helpers/tiny-models';
import { LayerGraphModel } from '../../src/engine/model/layer-graph';
import { padAmounts } from '../../src/engine/model/conv-geometry';
import { nearestIndices } from '../../src/engine/model/conv-ops';
import type { ProjectionOptions } from '../../src/engine/model/types';
import { isVebiError } from '../../src/shared/errors';

type Grid = number[][][]; // [h][w][c]

const zeros = (h: number, w: number, c: number): Grid => Array.from({ length: h }, () => Array.from({ length: w }, () => new Array<number>(c).fill(0)));

function maxAbsDiff(a: Grid, b: Grid): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((px, j) => px.forEach((v, k) => (m = Math.max(m, Math.abs(v - b[i][j][k]))))));
  return m;
}

async function firstImage(t: tf.Tensor): Promise<Grid> {
  const all = (await t.array()) as Grid[];
  return all[0];
}

function project(model: LayerGraphModel, x: tf.Tensor4D, layer: string, seed: tf.Tensor, options: ProjectionOptions): Grid[] {
  const out = model.project(x, layer, seed, options);
  const values = out.arraySync() as Grid[];
  out.dispose();
  return values;
}

// ---------------------------------------------------------------- hand-computed guided backprop

const X = [
  [0.5, -1.0, 2.0, 0.3],
  [1.5, 0.2, -0.7, 1.1],
  [-0.4, 0.9, 0.6, -1.3],
  [0.8, -0.2, 1.4, 0.1],
];
// convA kernel [2][2][1][2], bias [2]; convB kernel [2][2][2][1].
const A = [
  [[[0.6, -0.5]], [[-0.3, 0.8]]],
  [[[0.4, 0.2]], [[0.7, -0.6]]],
];
const BIAS_A = [0.1, -0.2];
const B = [
  [[[0.9], [-0.4]], [[-0.7], [0.5]]],
  [[[0.3], [0.8]], [[0.6], [-0.9]]],
];
const SEED = [
  [[-1.0], [2.0]],
  [[0.5], [3.0]],
];

/** The guided / deconvnet / plain backward pass of conv(2x2) -> relu -> conv(2x2), by hand. */
function handProjection(rule: ProjectionOptions['rule']): Grid {
  const pre = zeros(3, 3, 2);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let c = 0; c < 2; c++) {
        let v = BIAS_A[c];
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) v += X[i + a][j + b] * A[a][b][0][c];
        pre[i][j][c] = v;
      }
  const gRelu = zeros(3, 3, 2);
  for (let p = 0; p < 2; p++)
    for (let q = 0; q < 2; q++)
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) gRelu[p + a][q + b][c] += SEED[p][q][0] * B[a][b][c][0];
  const gPre = zeros(3, 3, 2);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let c = 0; c < 2; c++) {
        const g = gRelu[i][j][c];
        const live = pre[i][j][c] > 0;
        gPre[i][j][c] = rule === 'gradient' ? (live ? g : 0) : rule === 'guided' ? (live && g > 0 ? g : 0) : g > 0 ? g : 0;
      }
  const gx = zeros(4, 4, 1);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let c = 0; c < 2; c++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) gx[i + a][j + b][0] += gPre[i][j][c] * A[a][b][0][c];
  return gx;
}

/** conv(2x2, 2 filters) -> ReLU -> conv(2x2, 1 filter) -> flatten -> dense; the ReLU separate or fused. */
function handModel(fused: boolean): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'convA', inputShape: [4, 4, 1], filters: 2, kernelSize: 2, activation: fused ? 'relu' : 'linear' }));
  if (!fused) model.add(tf.layers.reLU({ name: 'relu' }));
  model.add(tf.layers.conv2d({ name: 'convB', filters: 1, kernelSize: 2, useBias: false }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' }));
  seedWeights(model, 3);
  model.getLayer('convA').setWeights([tf.tensor4d(A), tf.tensor1d(BIAS_A)]);
  model.getLayer('convB').setWeights([tf.tensor4d(B)]);
  return model;
}

test('guided backprop, deconvnet and gradient match a hand computation (separate and fused ReLU)', async () => {
  await useBackend('wasm');
  const expected = { guided: handProjection('guided'), deconvnet: handProjection('deconvnet'), gradient: handProjection('gradient') };
  // The three rules really differ on this case (4 live units get a negative signal, 6 dead ones a positive one).
  assert.ok(maxAbsDiff(expected.guided, expected.gradient) > 0.1);
  assert.ok(maxAbsDiff(expected.guided, expected.deconvnet) > 0.1);
  for (const fused of [false, true]) {
    const model = new LayerGraphModel(handModel(fused), 'hand');
    const x = tf.tensor4d([X.map((row) => row.map((v) => [v]))]);
    const seed = tf.tensor4d([SEED]);
    for (const rule of ['guided', 'deconvnet', 'gradient'] as const) {
      const [got] = project(model, x, 'convB', seed, { rule, stridedFix: false });
      assert.ok(maxAbsDiff(got, expected[rule]) < 1e-5, `${rule} (${fused ? 'fused' : 'separate'} ReLU): ${JSON.stringify(got)} vs ${JSON.stringify(expected[rule])}`);
    }
    tf.dispose([x, seed]);
    model.dispose();
  }
});

test("the 'gradient' rule is the true gradient (matches tf.grad through the tfjs model)", async () => {
  await useBackend('cpu'); // tfjs's own gradient of fused convs needs kernels the wasm backend may lack
  for (const build of [buildLeNet, buildBranchy]) {
    const keras = build();
    const model = new LayerGraphModel(keras, 'ref');
    const x = randomImages(2, model.inputShape);
    for (const name of model.featureLayers) {
      const sub = tf.model({ inputs: keras.inputs, outputs: keras.getLayer(name).output as tf.SymbolicTensor });
      const seed = tf.randomNormal([2, ...(model.layers.find((l) => l.name === name)?.outputShape ?? [])], 0, 1, 'float32', 4);
      const ref = tf.grad((z: tf.Tensor) => sub.apply(z) as tf.Tensor)(x, seed);
      const got = model.project(x, name, seed, { rule: 'gradient', stridedFix: false });
      const diff = tf.max(tf.abs(tf.sub(ref, got))).dataSync()[0];
      assert.ok(diff < 1e-4, `${name}: ${diff}`);
      tf.dispose([seed, ref, got]);
    }
    x.dispose();
    model.dispose();
  }
  await useBackend('wasm');
});

test('dilated and depthwise convolutions: the plain projection is the adjoint of the layer', async () => {
  await useBackend('wasm');
  // Linear model (no activation), so <J^T s, v> = <s, f(v) - f(0)> holds exactly.
  const keras = tf.sequential();
  keras.add(tf.layers.depthwiseConv2d({ name: 'dw', inputShape: [9, 9, 2], kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same' }));
  keras.add(tf.layers.conv2d({ name: 'dil', filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }));
  keras.add(tf.layers.flatten({ name: 'flat' }));
  keras.add(tf.layers.dense({ name: 'out', units: 2 }));
  seedWeights(keras, 9);
  const model = new LayerGraphModel(keras, 'adjoint');
  const zero = tf.zeros([1, 9, 9, 2]) as tf.Tensor4D;
  const v = randomImages(1, [9, 9, 2], 21);
  for (const name of ['dw', 'dil']) {
    const shape = model.layers.find((l) => l.name === name)?.outputShape ?? [];
    const s = tf.randomNormal([1, ...shape], 0, 1, 'float32', 8);
    const fv = model.forward(v, [name]);
    const f0 = model.forward(zero, [name]);
    const jts = model.project(v, name, s, { rule: 'gradient', stridedFix: false });
    const lhs = tf.sum(tf.mul(jts, v)).dataSync()[0];
    const rhs = tf.sum(tf.mul(s, tf.sub(fv.outputs[0], f0.outputs[0]))).dataSync()[0];
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(rhs)), `${name}: ${lhs} vs ${rhs}`);
    tf.dispose([s, jts, ...fv.outputs, fv.logits, fv.probs, ...f0.outputs, f0.logits, f0.probs]);
  }
  tf.dispose([zero, v]);
  model.dispose();
});

// ---------------------------------------------------------------- strided-convolution fix

function strideModel(conv: { kernel: number; stride: number; padding: 'same' | 'valid'; size: number; cin: number; cout: number; depthwise?: boolean }): tf.LayersModel {
  const model = tf.sequential();
  const common = { name: 'sconv', inputShape: [conv.size, conv.size, conv.cin], kernelSize: conv.kernel, strides: conv.stride, padding: conv.padding, useBias: false };
  model.add(conv.depthwise ? tf.layers.depthwiseConv2d({ ...common, depthMultiplier: conv.cout / conv.cin }) : tf.layers.conv2d({ ...common, filters: conv.cout }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ name: 'out', units: 2 }));
  seedWeights(model, 5);
  return model;
}

test('strided fix: a 1x1 stride-2 conv projects a uniform seed to a zero-stripe grid, the fix to a uniform map', async () => {
  await useBackend('wasm');
  const keras = strideModel({ kernel: 1, stride: 2, padding: 'valid', size: 8, cin: 1, cout: 1 });
  keras.getLayer('sconv').setWeights([tf.ones([1, 1, 1, 1])]);
  const model = new LayerGraphModel(keras, 'stride');
  const x = randomImages(1, [8, 8, 1]);
  const seed = tf.ones([1, 4, 4, 1]);
  const [plain] = project(model, x, 'sconv', seed, { rule: 'guided', stridedFix: false });
  const [fixed] = project(model, x, 'sconv', seed, { rule: 'guided', stridedFix: true });
  for (let r = 0; r < 8; r++)
    for (let c = 0; c < 8; c++) {
      assert.equal(plain[r][c][0], r % 2 === 0 && c % 2 === 0 ? 1 : 0, `plain (${r}, ${c})`);
      assert.equal(fixed[r][c][0], 1, `fixed (${r}, ${c})`);
    }
  tf.dispose([x, seed]);
  model.dispose();
});

test('strided fix: a 3x3 stride-2 conv gives a periodic interior without the fix, a flat one with it', async () => {
  await useBackend('wasm');
  const keras = strideModel({ kernel: 3, stride: 2, padding: 'same', size: 8, cin: 1, cout: 1 });
  keras.getLayer('sconv').setWeights([tf.ones([3, 3, 1, 1])]);
  const model = new LayerGraphModel(keras, 'stride');
  const x = randomImages(1, [8, 8, 1]);
  const seed = tf.ones([1, 4, 4, 1]);
  const [plain] = project(model, x, 'sconv', seed, { rule: 'gradient', stridedFix: false });
  const [fixed] = project(model, x, 'sconv', seed, { rule: 'gradient', stridedFix: true });
  // Per axis the plain backward pass counts 2, 1, 2, 1... windows; its products give 4, 2, 1.
  const plainAxis = [1, 1, 2, 1, 2, 1, 2, 1];
  const fixedAxis = [1, 2, 3, 3, 3, 3, 3, 2];
  for (let r = 0; r < 8; r++)
    for (let c = 0; c < 8; c++) {
      assert.equal(plain[r][c][0], plainAxis[r] * plainAxis[c], `plain (${r}, ${c})`);
      assert.equal(fixed[r][c][0], fixedAxis[r] * fixedAxis[c], `fixed (${r}, ${c})`);
    }
  tf.dispose([x, seed]);
  model.dispose();
});

test('nearest-neighbour indices: floor(i * from / to) in exact arithmetic', () => {
  assert.deepEqual(nearestIndices(4, 8), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(nearestIndices(3, 5), [0, 0, 1, 1, 2]);
  assert.deepEqual(nearestIndices(4, 10), [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]);
});

/** Nearest-neighbour resize to the stride-1 grid + stride-1 transposed conv, by hand (regular or depthwise). */
function handFixed(seed: Grid, kernel: number[][][][], size: number, stride: number, padding: 'same' | 'valid', depthwise: boolean): Grid {
  const k = kernel.length;
  const [pt, pb] = padAmounts(size, k, stride, padding);
  const padded = size + pt + pb;
  const hs = padded - k + 1;
  const ho = seed.length;
  const cin = kernel[0][0].length;
  const mult = kernel[0][0][0].length;
  const grid = Array.from({ length: hs }, (_, y) => Array.from({ length: hs }, (_, x) => seed[Math.floor((y * ho) / hs)][Math.floor((x * ho) / hs)]));
  const dxp = zeros(padded, padded, cin);
  for (let y = 0; y < hs; y++)
    for (let x = 0; x < hs; x++)
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < mult; o++) {
              // Regular conv: kernel [k][k][cin][cout], any output feeds every input channel.
              // Depthwise: kernel [k][k][cin][m], output channel i*m+o feeds input channel i only.
              dxp[y + a][x + b][i] += grid[y][x][depthwise ? i * mult + o : o] * kernel[a][b][i][o];
            }
  return dxp.slice(pt, pt + size).map((row) => row.slice(pt, pt + size));
}

test('strided fix equals a hand-computed nearest-neighbour resize + stride-1 transposed conv', async () => {
  await useBackend('wasm');
  const cases = [
    { kernel: 3, stride: 2, padding: 'same' as const, size: 9, cin: 2, cout: 3 },
    { kernel: 3, stride: 2, padding: 'valid' as const, size: 9, cin: 2, cout: 3 },
    { kernel: 4, stride: 3, padding: 'same' as const, size: 10, cin: 1, cout: 2 },
    { kernel: 3, stride: 2, padding: 'same' as const, size: 9, cin: 2, cout: 4, depthwise: true },
  ];
  for (const conv of cases) {
    const keras = strideModel(conv);
    const model = new LayerGraphModel(keras, 'stride');
    const kernel = (await keras.getLayer('sconv').getWeights()[0].array()) as number[][][][];
    const shape = model.layers.find((l) => l.name === 'sconv')?.outputShape ?? [];
    const seed = tf.randomNormal([1, ...shape], 0, 1, 'float32', 13);
    const x = randomImages(1, [conv.size, conv.size, conv.cin]);
    const [got] = project(model, x, 'sconv', seed, { rule: 'guided', stridedFix: true });
    const expected = handFixed(await firstImage(seed), kernel, conv.size, conv.stride, conv.padding, conv.depthwise === true);
    assert.ok(maxAbsDiff(got, expected) < 1e-5, `${JSON.stringify(conv)}: ${maxAbsDiff(got, expected)}`);
    tf.dispose([seed, x]);
    model.dispose();
  }
});

// ---------------------------------------------------------------- batches, selection, forward, memory

test('a batch is projected as its images one by one (each with its own seed)', async () => {
  await useBackend('wasm');
  for (const build of [buildLeNet, buildBranchy, buildMobileLike]) {
    const model = new LayerGraphModel(build(), 'batch');
    const x = randomImages(3, model.inputShape, 17);
    for (const layer of [model.featureLayers[2], model.featureLayers[model.featureLayers.length - 1]]) {
      const { outputs, logits, probs } = model.forward(x, [layer]);
      const options: ProjectionOptions = { rule: 'guided', stridedFix: true };
      const batch = project(model, x, layer, outputs[0], options);
      for (let i = 0; i < 3; i++) {
        const xi = x.slice(i, 1);
        const si = outputs[0].slice(i, 1);
        const [single] = project(model, xi, layer, si, options);
        assert.ok(maxAbsDiff(batch[i], single) < 1e-5, `${build.name} ${layer} image ${i}`);
        tf.dispose([xi, si]);
      }
      tf.dispose([...outputs, logits, probs]);
    }
    x.dispose();
    model.dispose();
  }
});

test('feature layers: which layers, channel counts, offsets and skip reasons', async () => {
  await useBackend('wasm');
  const lenet = new LayerGraphModel(buildLeNet(), 'lenet');
  assert.deepEqual(lenet.featureLayers, ['conv1', 'relu1', 'conv2', 'pool1', 'conv3', 'fc1']);
  assert.equal(lenet.featureCount, 4 + 4 + 6 + 6 + 8 + 16);
  assert.equal(lenet.numClasses, 3);
  assert.deepEqual(lenet.inputShape, [16, 16, 1]);
  const byName = new Map(lenet.layers.map((l) => [l.name, l]));
  assert.equal(lenet.layers[0].className, 'InputLayer');
  assert.match(lenet.layers[0].skipReason ?? '', /input/);
  assert.match(byName.get('flatten')?.skipReason ?? '', /reshapes/);
  assert.match(byName.get('drop')?.skipReason ?? '', /inference/);
  assert.match(byName.get('fc2')?.skipReason ?? '', /final class-score/);
  assert.deepEqual(
    lenet.layers.filter((l) => l.isFeature).map((l) => [l.name, l.featureOffset, l.channels]),
    [
      ['conv1', 0, 4],
      ['relu1', 4, 4],
      ['conv2', 8, 6],
      ['pool1', 14, 6],
      ['conv3', 20, 8],
      ['fc1', 28, 16],
    ],
  );
  assert.deepEqual(byName.get('fc1')?.outputShape, [16]);
  lenet.dispose();

  const branchy = new LayerGraphModel(buildBranchy(), 'branchy');
  assert.deepEqual(branchy.featureLayers, ['c1', 'bn1', 'a1', 'c2a', 'add', 'c2b', 'cat', 'c3', 'gap']);
  assert.equal(branchy.featureCount, 8 * 6 + 4 + 12 + 8);
  assert.equal(branchy.numClasses, 4);
  const skipped = Object.fromEntries(branchy.layers.filter((l) => !l.isFeature).map((l) => [l.name, l.skipReason]));
  assert.deepEqual(Object.keys(skipped), ['image', 'pad', 'logits', 'probs']);
  assert.match(skipped.pad ?? '', /padding/);
  assert.match(skipped.logits ?? '', /final class-score/);
  assert.match(skipped.probs ?? '', /softmax/);
  branchy.dispose();

  const mobile = new LayerGraphModel(buildMobileLike(), 'mobile');
  assert.deepEqual(
    mobile.layers.filter((l) => l.isFeature).map((l) => [l.name, l.channels]),
    [
      ['dw1', 6],
      ['sep1', 8],
      ['dil', 4],
      ['gmp', 4],
    ],
  );
  mobile.dispose();
});

test('models nested inside models (transfer learning) are flattened: their layers are features named outer/inner', async () => {
  await useBackend('wasm');
  const base = tf.sequential({ name: 'base' });
  base.add(tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu' }));
  base.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }));
  const image = tf.input({ name: 'img', shape: [8, 8, 1] });
  const flat = tf.layers.flatten({ name: 'flat' }).apply(base.apply(image)) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: 2, activation: 'softmax' }).apply(flat) as tf.SymbolicTensor;
  const keras = tf.model({ inputs: image, outputs: head });
  seedWeights(keras, 3);
  const model = new LayerGraphModel(keras, 'nested');
  assert.deepEqual(
    model.layers.map((l) => [l.name, l.isFeature]),
    [
      ['img', false],
      ['base/conv', true],
      ['base/pool', true],
      ['flat', false],
      ['head', false],
    ],
  );
  assert.deepEqual(model.receptiveField('base/pool'), { size: [4, 4], jump: [2, 2], offset: [0, 0] });
  const x = randomImages(2, [8, 8, 1]);
  const { outputs, logits, probs } = model.forward(x, ['base/pool']);
  const predicted = keras.predict(x) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(predicted, probs))).dataSync()[0] < 1e-6);
  const projection = model.project(x, 'base/pool', outputs[0], { rule: 'guided', stridedFix: true });
  assert.deepEqual(projection.shape, [2, 8, 8, 1]);
  tf.dispose([x, ...outputs, logits, probs, predicted, projection]);
  model.dispose();
});

test('forward: layer outputs equal the tfjs model, logits are the true class scores, probs match predict', async () => {
  await useBackend('wasm');
  for (const build of [buildLeNet, buildBranchy, buildMobileLike]) {
    const keras = build();
    const model = new LayerGraphModel(keras, 'fwd');
    const x = randomImages(4, model.inputShape, 23);
    const { outputs, logits, probs } = model.forward(x, [...model.featureLayers].reverse());
    [...model.featureLayers].reverse().forEach((name, i) => {
      const sub = tf.model({ inputs: keras.inputs, outputs: keras.getLayer(name).output as tf.SymbolicTensor });
      const ref = sub.predict(x) as tf.Tensor;
      assert.deepEqual(outputs[i].shape, ref.shape, name);
      assert.ok(tf.max(tf.abs(tf.sub(ref, outputs[i]))).dataSync()[0] < 1e-5, name);
      ref.dispose();
    });
    const predicted = keras.predict(x) as tf.Tensor;
    assert.ok(tf.max(tf.abs(tf.sub(predicted, probs))).dataSync()[0] < 1e-6, `${build.name}: probs`);
    assert.ok(tf.max(tf.abs(tf.sub(tf.softmax(logits), predicted))).dataSync()[0] < 1e-6, `${build.name}: softmax(logits)`);
    // The logits are the final layer's pre-activation: check against its kernel and bias by hand.
    const last = keras.layers[keras.layers.length - 1].getClassName() === 'Softmax' ? keras.layers[keras.layers.length - 2] : keras.layers[keras.layers.length - 1];
    const features = tf.model({ inputs: keras.inputs, outputs: last.input as tf.SymbolicTensor }).predict(x) as tf.Tensor2D;
    const [kernel, bias] = last.getWeights();
    const manual = tf.add(tf.matMul(features, kernel as tf.Tensor2D), bias);
    assert.ok(tf.max(tf.abs(tf.sub(manual, logits))).dataSync()[0] < 1e-5, `${build.name}: logits`);
    tf.dispose([x, ...outputs, logits, probs, predicted, features, manual]);
    model.dispose();
  }
});

test('no tensor leaks over 50 forward + project calls', async () => {
  await useBackend('wasm');
  const model = new LayerGraphModel(buildBranchy(), 'leak');
  const x = randomImages(2, model.inputShape);
  const run = (i: number): void => {
    const { outputs, logits, probs } = model.forward(x, model.featureLayers);
    const layer = model.featureLayers[i % model.featureLayers.length];
    const seed = outputs[model.featureLayers.indexOf(layer)];
    const rule = (['guided', 'deconvnet', 'gradient'] as const)[i % 3];
    const projection = model.project(x, layer, seed, { rule, stridedFix: i % 2 === 0 });
    tf.dispose([...outputs, logits, probs, projection]);
  };
  run(0); // first calls may cache (activation layers, kernels)
  const baseline = tf.memory().numTensors;
  for (let i = 1; i <= 50; i++) run(i);
  assert.equal(tf.memory().numTensors, baseline);
  x.dispose();
  model.dispose();
});

test('a layer without a backward rule is refused by name when projecting through it, but still runs forward', async () => {
  await useBackend('wasm');
  class Doubler extends tf.layers.Layer {
    static className = 'VebiTestDoubler';
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2);
    }
  }
  tf.serialization.registerClass(Doubler);
  const keras = tf.sequential();
  keras.add(tf.layers.conv2d({ name: 'conv', inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }));
  keras.add(new Doubler({ name: 'double' }));
  keras.add(tf.layers.flatten({ name: 'flat' }));
  keras.add(tf.layers.dense({ name: 'out', units: 2 }));
  seedWeights(keras, 2);
  const model = new LayerGraphModel(keras, 'custom.json');
  const x = randomImages(1, [6, 6, 1]);
  const fwd = model.forward(x, ['double']);
  assert.deepEqual(fwd.outputs[0].shape, [1, 4, 4, 2]);
  assert.throws(
    () => model.project(x, 'double', fwd.outputs[0], { rule: 'guided', stridedFix: true }),
    (err: unknown) => isVebiError(err) && err.code === 'LAYER_UNSUPPORTED' && /"double"/.test(err.message) && /VebiTestDoubler/.test(err.message),
  );
  // Below the custom layer projection still works.
  const seed = tf.onesLike(model.forward(x, ['conv']).outputs[0]);
  model.project(x, 'conv', seed, { rule: 'guided', stridedFix: true }).dispose();
  tf.dispose([x, fwd.outputs[0], fwd.logits, fwd.probs, seed]);
  model.dispose();
});

test('bad arguments: unknown layer, wrong input size, wrong seed shape', async () => {
  await useBackend('wasm');
  const model = new LayerGraphModel(buildLeNet(), 'args');
  const x = randomImages(1, [16, 16, 1]);
  const code = (c: string) => (err: unknown) => isVebiError(err) && err.code === c;
  assert.throws(() => model.forward(x, ['nope']), code('BAD_ARGUMENT'));
  assert.throws(() => model.receptiveField('nope'), code('BAD_ARGUMENT'));
  const small = randomImages(1, [8, 8, 1]);
  assert.throws(() => model.forward(small, ['conv1']), code('BAD_ARGUMENT'));
  const seed = tf.ones([1, 3, 3, 4]);
  assert.throws(() => model.project(x, 'conv1', seed, { rule: 'guided', stridedFix: false }), code('BAD_ARGUMENT'));
  tf.dispose([x, small, seed]);
  model.dispose();
});
