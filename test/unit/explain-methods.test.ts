/**
 * The explanation methods' registry: Grad-CAM, Grad-CAM++, guided backprop, deconvnet and the
 * gradient against hand computations on a tiny network (wasm and cpu), the class-score gradient
 * of every model kind against the chain rule and tfjs's own gradient, integrated gradients and
 * SmoothGrad on a linear model, then every method on every model kind (shape, range, input
 * untouched, no tensor leak), and the explain command with a method.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { HAND_CAM, buildBranchy, buildHandCam, buildLeNet, randomImages, seedWeights, writeTinyGraphModel, writeTinyModel } from '../helpers/tiny-models';
import { referenceModel, writeKerasArchive } from '../helpers/keras-fixture';
import { makeImageFolder } from '../helpers/make-image-folder';
import { explain, interpret, loadModel } from '../../src/engine';
import { explanationMethod, explanationMethods, defaultCamLayer, type MethodContext } from '../../src/engine/explain/methods';
import { minMaxNormalize, resizeMap, signalToHeatmap } from '../../src/engine/image';
import { LayerGraphModel } from '../../src/engine/model/layer-graph';
import type { ProjectionOptions, VebiModel } from '../../src/engine/model/types';
import { EXPLANATION_METHODS } from '../../src/shared/params';
import { isVebiError } from '../../src/shared/errors';
import { syntheticWeights } from '../helpers/synthetic-weights';

let root: string;
before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vebi-methods-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const isBadArgument = (pattern?: RegExp) => (err: unknown) => isVebiError(err) && err.code === 'BAD_ARGUMENT' && (!pattern || pattern.test(err.message));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function oneHot(classIndex: number, classes: number, batch = 1): tf.Tensor2D {
  return tf.oneHot(tf.fill([batch], classIndex, 'int32') as tf.Tensor1D, classes).toFloat() as tf.Tensor2D;
}

/** Both tensors of a scoreGradient call as arrays, tensors released. */
function gradientOf(model: VebiModel, x: tf.Tensor4D, classIndex: number, options: { layer?: string; rule?: ProjectionOptions['rule'] } = {}) {
  const seed = oneHot(classIndex, model.numClasses, x.shape[0]);
  const { activation, gradient } = model.scoreGradient(x, seed, options);
  const out = { activation: activation.dataSync() as Float32Array, gradient: gradient.dataSync() as Float32Array };
  tf.dispose([seed, activation, gradient]);
  return out;
}

// ---------------------------------------------------------------- the hand-computed network

type Rule = ProjectionOptions['rule'];
const H = HAND_CAM;

/** dy back through a ReLU whose input was `pre`, by rule (the engine's guided-ops rules, by hand). */
function reluBack(g: number, pre: number, rule: Rule): number {
  if (rule === 'deconvnet') return g > 0 ? g : 0;
  if (rule === 'guided') return pre > 0 && g > 0 ? g : 0;
  return pre > 0 ? g : 0;
}

/** Forward and backward passes of buildHandCam for class c, by hand. A and dS/dA are flat in (h, w, k) order. */
function hand(c: number, rule: Rule) {
  const preA: number[] = [];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 2; k++) {
        let v = H.convBias[k];
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) v += H.image[i + a][j + b] * H.conv[a][b][k];
        preA.push(v);
      }
  const A = preA.map((v) => Math.max(0, v));
  const preH = [0, 1, 2].map((u) => H.hiddenBias[u] + A.reduce((s, v, i) => s + v * H.hidden[i][u], 0));
  const logits = [0, 1].map((o) => H.outBias[o] + preH.reduce((s, v, u) => s + Math.max(0, v) * H.out[u][o], 0));
  const gPreH = preH.map((pre, u) => reluBack(H.out[u][c], pre, rule));
  const gA = A.map((_, i) => gPreH.reduce((s, g, u) => s + g * H.hidden[i][u], 0)); // dS/dA, above A's ReLU
  const gPreA = gA.map((g, i) => reluBack(g, preA[i], rule));
  const gx = new Array<number>(9).fill(0);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 2; k++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) gx[(i + a) * 3 + (j + b)] += gPreA[(i * 2 + j) * 2 + k] * H.conv[a][b][k];
  return { A, gA, gx, logits, preH };
}

/** relu(sum_k w_k A_k) on the 2x2 map. */
function camFrom(A: number[], weights: number[]): number[] {
  return [0, 1, 2, 3].map((p) => Math.max(0, weights[0] * A[p * 2] + weights[1] * A[p * 2 + 1]));
}

const gradCamWeights = (gA: number[]) => [0, 1].map((k) => [0, 1, 2, 3].reduce((s, p) => s + gA[p * 2 + k], 0) / 4);

function gradCamPlusPlusWeights(A: number[], gA: number[]): number[] {
  return [0, 1].map((k) => {
    const sumA = [0, 1, 2, 3].reduce((s, p) => s + A[p * 2 + k], 0);
    return [0, 1, 2, 3].reduce((s, p) => {
      const g = gA[p * 2 + k];
      const alpha = g === 0 ? 0 : (g * g) / (2 * g * g + sumA * g * g * g + 1e-6);
      return s + alpha * Math.max(0, g);
    }, 0);
  });
}

const toInput = (cam: number[]) => minMaxNormalize(resizeMap(Float32Array.from(cam), 2, 2, 3, 3, 'bilinear'));
const handImage = () => Float32Array.from(H.image.flat());

for (const backend of ['wasm', 'cpu'] as const) {
  test(`${backend}: the hand network's class-score gradients match the hand computation (plain, guided, deconvnet; at the input and at the conv layer)`, async () => {
    await useBackend(backend);
    const model = new LayerGraphModel(buildHandCam(), 'hand');
    const x = tf.tensor4d(handImage(), [1, 3, 3, 1]);
    assert.deepEqual(
      hand(1, 'gradient').preH.map((v) => v > 0),
      [true, false, true],
      'one hidden unit is dead',
    );
    assert.ok(hand(1, 'gradient').logits[1] > hand(1, 'gradient').logits[0], 'class 1 is predicted');
    for (const c of [0, 1]) {
      // The three rules really differ here.
      assert.ok(maxDiff(hand(c, 'guided').gx, hand(c, 'gradient').gx) > 0.05);
      assert.ok(maxDiff(hand(c, 'guided').gx, hand(c, 'deconvnet').gx) > 0.05);
      for (const rule of ['gradient', 'guided', 'deconvnet'] as const) {
        const got = gradientOf(model, x, c, { rule });
        assert.ok(maxDiff(got.gradient, hand(c, rule).gx) < 1e-5, `${rule}, class ${c}: ${got.gradient} vs ${hand(c, rule).gx}`);
        assert.ok(maxDiff(got.activation, handImage()) === 0, 'the activation at the input is the input');
      }
      const atConv = gradientOf(model, x, c, { layer: 'cam_conv' });
      const expected = hand(c, 'gradient');
      assert.ok(maxDiff(atConv.activation, expected.A) < 1e-5, `A: ${atConv.activation} vs ${expected.A}`);
      assert.ok(maxDiff(atConv.gradient, expected.gA) < 1e-5, `dS/dA: ${atConv.gradient} vs ${expected.gA}`);
    }
    x.dispose();
    model.dispose();
  });

  test(`${backend}: Grad-CAM, Grad-CAM++, their guided variants, guided backprop, deconvnet and the gradient equal their hand-computed maps`, async () => {
    await useBackend(backend);
    const model = new LayerGraphModel(buildHandCam(), 'hand');
    const input = handImage();
    for (const c of [0, 1]) {
      const plain = hand(c, 'gradient');
      const guided = hand(c, 'guided');
      const gradCam = camFrom(plain.A, gradCamWeights(plain.gA));
      const plusPlus = camFrom(plain.A, gradCamPlusPlusWeights(plain.A, plain.gA));
      assert.ok(gradCam.some((v) => v > 0) && plusPlus.some((v) => v > 0), `class ${c}: non-zero maps`);
      const expected: Record<string, Float32Array> = {
        gradcam: toInput(gradCam),
        'gradcam-plus-plus': toInput(plusPlus),
        'guided-backprop': signalToHeatmap(Float32Array.from(guided.gx), 3, 3, 1),
        deconvnet: signalToHeatmap(Float32Array.from(hand(c, 'deconvnet').gx), 3, 3, 1),
        gradient: signalToHeatmap(Float32Array.from(plain.gx), 3, 3, 1),
        'guided-gradcam': signalToHeatmap(Float32Array.from(guided.gx, (g, p) => g * toInput(gradCam)[p]), 3, 3, 1),
        'guided-gradcam-plus-plus': signalToHeatmap(Float32Array.from(guided.gx, (g, p) => g * toInput(plusPlus)[p]), 3, 3, 1),
      };
      for (const [name, map] of Object.entries(expected)) {
        const result = explanationMethod(name).explain(model, input, { classIndex: c });
        assert.equal(result.classIndex, c);
        assert.ok(maxDiff(result.heatmap, map) < 1e-5, `${name}, class ${c}: ${Array.from(result.heatmap)} vs ${Array.from(map)}`);
        if (name.includes('gradcam')) assert.equal(result.settings.layer, 'cam_conv', 'the default CAM layer is the last spatial one');
      }
    }
    assert.equal(explanationMethod('gradcam').explain(model, input).classIndex, 1, 'the predicted class by default');
    model.dispose();
    await useBackend('wasm');
  });
}

// ---------------------------------------------------------------- scoreGradient on every model kind

/** The chain rule through a layer every path crosses: J_L^T (dS/dL) = dS/dx. */
function checkChainRule(model: VebiModel, x: tf.Tensor4D, layers: string[]): void {
  const atInput = gradientOf(model, x, 1).gradient;
  for (const layer of layers) {
    const seed = oneHot(1, model.numClasses, x.shape[0]);
    const { activation, gradient } = model.scoreGradient(x, seed, { layer });
    const projected = model.project(x, layer, gradient, { rule: 'gradient', stridedFix: false });
    const diff = maxDiff(projected.dataSync(), atInput);
    const scale = Math.max(...atInput.map(Math.abs));
    assert.ok(scale > 0 && diff < 1e-4 * Math.max(1, scale), `${model.path} ${layer}: ${diff}`);
    tf.dispose([seed, activation, gradient, projected]);
  }
}

test('class-score gradients: equal tfjs gradient of the logits (branchy DAG), obey the chain rule on layers, keras and graph models', async () => {
  await useBackend('cpu'); // tfjs's own gradient of fused convs, the reference here
  const keras = buildBranchy();
  const branchy = new LayerGraphModel(keras, 'branchy');
  const x = randomImages(2, branchy.inputShape);
  const logits = tf.model({ inputs: keras.inputs, outputs: keras.getLayer('logits').output as tf.SymbolicTensor });
  const seed = tf.tensor2d([[0, 1, 0, 0], [0.5, 0, 0, -2]]);
  const reference = tf.grad((z: tf.Tensor) => logits.apply(z) as tf.Tensor)(x, seed);
  const { activation, gradient } = branchy.scoreGradient(x, seed);
  assert.ok(maxDiff(gradient.dataSync(), reference.dataSync()) < 1e-5);
  tf.dispose([seed, reference, activation, gradient]);
  await useBackend('wasm');
  checkChainRule(branchy, x, ['a1', 'cat', 'c3', 'gap']);
  x.dispose();
  branchy.dispose();

  const graph = await loadModel(await writeTinyGraphModel(path.join(root, 'graph-chain')));
  const gx = randomImages(2, graph.inputShape, 3);
  checkChainRule(graph, gx, ['conv1/Relu', 'pool1', 'conv2/Relu']);
  gx.dispose();
  graph.dispose();

  const file = path.join(root, 'chain.keras');
  await writeKerasArchive(referenceModel(), file);
  const kerasModel = await loadModel(file);
  assert.equal(kerasModel.format, 'keras');
  const kx = tf.mul(randomImages(1, kerasModel.inputShape, 5), 255) as tf.Tensor4D;
  checkChainRule(kerasModel, kx, ['relu1', 'cat', 'maxpool']);
  kx.dispose();
  kerasModel.dispose();
});

test('BatchNormalization without scale (Keras Normalization) is differentiable: the gradient equals that of its formula', async () => {
  await useBackend('wasm');
  for (const center of [false, true]) {
    const keras = tf.sequential();
    keras.add(tf.layers.batchNormalization({ name: 'bn', inputShape: [4, 4, 2], scale: false, center, epsilon: 1e-3 }));
    keras.add(tf.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 3, activation: 'relu' }));
    keras.add(tf.layers.flatten({ name: 'flat' }));
    keras.add(tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' }));
    seedWeights(keras, 31);
    const weights = keras.getLayer('bn').getWeights();
    const [mean, variance] = weights.slice(-2);
    const [kernel, bias] = keras.getLayer('conv').getWeights();
    const [dense, denseBias] = keras.getLayer('out').getWeights();
    const formula = (z: tf.Tensor): tf.Tensor => {
      let normalized = tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, 1e-3)));
      if (center) normalized = tf.add(normalized, weights[0]);
      const conv = tf.relu(tf.add(tf.conv2d(normalized as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid'), bias));
      return tf.add(tf.matMul(conv.reshape([z.shape[0] as number, -1]), dense as tf.Tensor2D), denseBias);
    };
    const model = new LayerGraphModel(keras, 'bn');
    const x = randomImages(2, model.inputShape, 37);
    const seed = tf.tensor2d([[1, 0], [0.3, -1]]);
    const forward = model.forward(x, []);
    const logits = formula(x);
    assert.ok(maxDiff(forward.logits.dataSync(), logits.dataSync()) < 1e-5, 'the formula is the layer');
    const reference = tf.grad(formula)(x, seed);
    const { activation, gradient } = model.scoreGradient(x, seed);
    assert.ok(maxDiff(gradient.dataSync(), reference.dataSync()) < 1e-5, `center ${center}`);
    tf.dispose([x, seed, forward.logits, forward.probs, ...forward.outputs, logits, reference, activation, gradient]);
    model.dispose();
  }
});

test('class-score gradients: bad seeds and layers are refused by name', async () => {
  await useBackend('wasm');
  const model = new LayerGraphModel(buildLeNet(), 'lenet');
  const x = randomImages(1, model.inputShape);
  const wrong = tf.ones([1, 4]) as tf.Tensor2D;
  assert.throws(() => model.scoreGradient(x, wrong), isBadArgument(/\[1, 3\]/));
  const seed = oneHot(0, 3);
  assert.throws(() => model.scoreGradient(x, seed, { layer: 'nope' }), isBadArgument(/no layer "nope"/));
  assert.throws(() => explanationMethod('gradcam').explain(model, x.dataSync() as Float32Array, {}, { layer: 'fc1' }), isBadArgument(/spatial/));
  assert.throws(() => explanationMethod('gradient').explain(model, new Float32Array(5)), isBadArgument(/16 x 16 x 1/));
  assert.throws(() => explanationMethod('gradient').explain(model, x.dataSync() as Float32Array, { classIndex: 3 }), isBadArgument(/0 to 2/));
  tf.dispose([x, wrong, seed]);
  model.dispose();
});

// ---------------------------------------------------------------- integrated gradients, SmoothGrad

/** conv (no activation) -> flatten -> dense softmax: the logits are linear in the image, the gradient constant. */
function linearModel(): LayerGraphModel {
  const keras = tf.sequential();
  keras.add(tf.layers.conv2d({ name: 'lin_conv', inputShape: [6, 6, 2], filters: 3, kernelSize: 3 }));
  keras.add(tf.layers.flatten({ name: 'flat' }));
  keras.add(tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }));
  seedWeights(keras, 13);
  return new LayerGraphModel(keras, 'linear');
}

test('integrated gradients on a linear model: exactly (x - baseline) * gradient, for the default zero and a given baseline', async () => {
  await useBackend('wasm');
  const model = linearModel();
  const x = randomImages(1, model.inputShape, 17);
  const input = x.dataSync() as Float32Array;
  const g = gradientOf(model, x, 2).gradient;
  const baseline = Float32Array.from(input, (_, i) => (i % 5) / 10);
  for (const [context, base] of [[{}, new Float32Array(input.length)], [{ baseline, steps: 5, batchSize: 2 }, baseline]] as const) {
    const got = explanationMethod('integrated-gradients').explain(model, input, { classIndex: 2 }, context);
    const expected = signalToHeatmap(Float32Array.from(input, (v, i) => (v - base[i]) * g[i]), 6, 6, 2);
    assert.ok(maxDiff(got.heatmap, expected) < 1e-5);
  }
  assert.throws(() => explanationMethod('integrated-gradients').explain(model, input, {}, { baseline: new Float32Array(3) }), isBadArgument(/baseline/));
  assert.throws(() => explanationMethod('integrated-gradients').explain(model, input, {}, { steps: 0 }), isBadArgument(/steps/));
  x.dispose();
  model.dispose();
});

test('SmoothGrad: equals the gradient on a linear model; seeded, independent of the batch size, and the seed matters', async () => {
  await useBackend('wasm');
  const linear = linearModel();
  const lx = randomImages(1, linear.inputShape, 19);
  const linput = lx.dataSync() as Float32Array;
  const smooth = explanationMethod('smoothgrad').explain(linear, linput);
  assert.ok(maxDiff(smooth.heatmap, explanationMethod('gradient').explain(linear, linput).heatmap) < 1e-4);
  assert.ok(Number(smooth.settings.sigma) > 0);
  tf.dispose(lx);
  linear.dispose();

  const model = new LayerGraphModel(buildLeNet(), 'lenet');
  const x = randomImages(1, model.inputShape, 23);
  const input = x.dataSync() as Float32Array;
  const run = (context: MethodContext) => explanationMethod('smoothgrad').explain(model, input, {}, context).heatmap;
  const first = run({ seed: 4 });
  assert.deepEqual(run({ seed: 4 }), first, 'same seed, same map');
  assert.ok(maxDiff(run({ seed: 4, batchSize: 3 }), first) < 1e-5, 'batch size does not matter');
  assert.ok(maxDiff(run({ seed: 5 }), first) > 1e-3, 'another seed, another map');
  x.dispose();
  model.dispose();
});

// ---------------------------------------------------------------- every method on every model kind


interface Fixture {
  name: string;
  load: () => Promise<VebiModel>;
  /** Input values of the model's scale. */
  scale: number;
}

const FIXTURES: Fixture[] = [
  { name: 'layers (tiny LeNet)', load: async () => loadModel(await writeTinyModel(path.join(root, 'lenet'))), scale: 1 },
  { name: 'graph (tiny GraphDef)', load: async () => loadModel(await writeTinyGraphModel(path.join(root, 'graph'))), scale: 1 },
  {
    name: 'keras (.keras fixture)',
    load: async () => {
      const file = path.join(root, 'table.keras');
      await writeKerasArchive(referenceModel(), file);
      return loadModel(file);
    },
    scale: 255,
  },
];

test('the registry: every name of EXPLANATION_METHODS once, in order, with its display name; unknown names listed back', () => {
  assert.deepEqual(
    explanationMethods().map((m) => m.name),
    EXPLANATION_METHODS.map((m) => m.name),
  );
  for (const info of EXPLANATION_METHODS) {
    const method = explanationMethod(info.name);
    assert.equal(method.name, info.name);
    assert.equal(method.displayName, info.displayName);
    assert.ok(method.description.length > 10);
  }
  assert.throws(() => explanationMethod('grad-cam'), isBadArgument(/"grad-cam".*vebi, upsampled-activations, deconvnet, guided-backprop, gradcam/));
  assert.throws(() => explanationMethod('toString'), isBadArgument());
});

for (const fixture of FIXTURES) {
  test(`every method on the ${fixture.name} model: H*W map in [0,1], finite, input untouched, no tensor leak over 3 runs`, async () => {
    await useBackend('wasm');
    const model = await fixture.load();
    const [height, width] = model.inputShape;
    const x = tf.mul(randomImages(1, model.inputShape, 29), fixture.scale);
    const input = x.dataSync() as Float32Array;
    x.dispose();
    const copy = input.slice();
    const context: MethodContext = { weights: syntheticWeights(model), steps: 8, samples: 4 };
    for (const method of explanationMethods()) {
      const target = { classIndex: model.numClasses - 1 };
      const first = method.explain(model, input, target, context);
      assert.equal(first.heatmap.length, height * width, method.name);
      assert.equal(first.classIndex, model.numClasses - 1);
      assert.equal(first.probabilities.length, model.numClasses);
      assert.ok(
        first.heatmap.every((v) => Number.isFinite(v) && v >= 0 && v <= 1),
        `${method.name}: values in [0,1]`,
      );
      const baseline = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) method.explain(model, input, target, context);
      assert.equal(tf.memory().numTensors, baseline, `${method.name} leaks tensors`);
      assert.deepEqual(input, copy, `${method.name} left the input untouched`);
      if (method.needsWeights) {
        assert.throws(() => method.explain(model, input), isBadArgument(/interpretation/));
        assert.ok(first.features && first.features.length <= 3);
      }
    }
    if (model.format === 'tfjs-graph') {
      assert.match(String(explanationMethod('guided-backprop').explain(model, input).settings.note), /plain gradient/, 'graph models say they cannot guide');
    }
    assert.equal(explanationMethod('gradcam').explain(model, input).settings.layer, defaultCamLayer(model));
    model.dispose();
  });
}

test('default CAM layer: the last spatial feature layer, not a pooling one when a conv-like one exists', async () => {
  await useBackend('wasm');
  const lenet = new LayerGraphModel(buildLeNet(), 'lenet');
  assert.equal(defaultCamLayer(lenet), 'conv3');
  lenet.dispose();
  const branchy = new LayerGraphModel(buildBranchy(), 'branchy');
  assert.equal(defaultCamLayer(branchy), 'c3');
  branchy.dispose();
});

// ---------------------------------------------------------------- the explain command

test('explain with a method: its map is the combined explanation, the report names the method; unknown names are refused first', async () => {
  await useBackend('wasm');
  const modelPath = await writeTinyModel(path.join(root, 'explain-model'));
  const folder = await makeImageFolder(path.join(root, 'explain-data'), { classes: 3, perClass: 4, size: 16, channels: 1, seed: 2 });
  const report = path.join(root, 'explain-report');
  await interpret({ modelPath, dataDir: folder.root, outDir: report, backend: 'wasm', cacheDir: null, params: { topK: 2 } });
  const imagePath = folder.files[0].path;

  const vebi = await explain({ modelPath, imagePath, reportDir: report, outDir: path.join(root, 'out-vebi'), backend: 'wasm' });
  assert.equal(vebi.report.method, undefined, 'VEBI reports stay as they were');
  assert.equal(vebi.report.params.method, undefined);

  for (const method of ['gradcam', 'guided-backprop', 'upsampled-activations', 'integrated-gradients']) {
    const out = path.join(root, `out-${method}`);
    const { report: r } = await explain({ modelPath, imagePath, reportDir: report, outDir: out, backend: 'wasm', params: { method } });
    assert.equal(r.method?.name, method);
    assert.equal(r.params.method, method);
    assert.equal(r.prediction.classIndex, vebi.report.prediction.classIndex);
    assert.deepEqual([r.features, r.absent], [[], []]);
    await fs.access(path.join(out, r.combined.overlay));
    await fs.access(path.join(out, r.combined.heatmap));
    if (method === 'guided-backprop') assert.equal(r.params.stridedFix, false, 'published guided backprop: no strided fix');
  }
  await assert.rejects(
    explain({ modelPath, imagePath: path.join(root, 'missing.png'), reportDir: report, outDir: path.join(root, 'out-bad'), params: { method: 'gradcam-pp' } }),
    isBadArgument(/gradcam-pp.*gradcam-plus-plus/),
  );
});
