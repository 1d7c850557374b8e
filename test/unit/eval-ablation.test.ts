/**
 * Feature ablation: the forward pass's channel-zeroing hook (layers and graph models) and
 * `evaluateAblation` end to end on the really trained fixture model.
 */
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { interpret, loadModel } from '../../src/engine';
import type { InterpretResult } from '../../src/engine';
import { evaluateAblation } from '../../src/engine/evaluate';
import type { AblationResult } from '../../src/engine/evaluate';
import { randomFeatures, relevantFeatures, toChannelAblation } from '../../src/engine/evaluate/ablation-sets';
import { LayerGraphModel, saveLayersModel } from '../../src/engine/model';
import { parseCounts, runEval } from '../../src/cli/commands/eval';
import { isVebiError } from '../../src/shared/errors';
import type { VebiErrorCode } from '../../src/shared/errors';
import { useBackend } from '../helpers/backend';
import { makeImageFolder, squarePosition } from '../helpers/make-image-folder';
import { buildLeNet, randomImages, writeTinyGraphModel, writeTinyModel } from '../helpers/tiny-models';
import { trainedFixture, FIXTURE_SIZE } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

let fixture: TrainedFixture;
let interpretation: InterpretResult;
let result: AblationResult;
let scratch: string;

const code = (expected: VebiErrorCode) => (error: unknown) => isVebiError(error) && error.code === expected;

before(async () => {
  await useBackend('wasm');
  fixture = await trainedFixture();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-ablation-'));
  interpretation = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(scratch, 'report'), backend: 'wasm', cacheDir: null, params: { topK: 4, mu: 5 } });
  result = await evaluateAblation({
    modelPath: fixture.modelPath,
    dataDir: fixture.dataDir,
    reportDir: interpretation.outDir,
    outDir: path.join(scratch, 'ablation'),
    counts: [0, 1, 2, 'all'],
    draws: 6,
    seed: 3,
    batchSize: 16,
    backend: 'wasm',
  });
});

async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

test('hook: zeroing nothing changes nothing (no map, an empty map, empty channel lists)', async () => {
  const model = new LayerGraphModel(buildLeNet(2), 'tiny-lenet');
  const x = randomImages(3, [16, 16, 1]);
  const layers = ['relu1', 'conv3', 'fc1'];
  const plain = model.forward(x, layers);
  for (const ablate of [new Map<string, number[]>(), new Map([['conv3', []], ['relu1', []]])]) {
    const run = model.forward(x, layers, ablate);
    for (let i = 0; i < layers.length; i++) assert.deepEqual(await values(run.outputs[i]), await values(plain.outputs[i]));
    assert.deepEqual(await values(run.logits), await values(plain.logits));
    tf.dispose([...run.outputs, run.logits, run.probs]);
  }
  tf.dispose([...plain.outputs, plain.logits, plain.probs, x]);
  model.dispose();
});

test('hook: zeroing every channel of a layer equals running the rest of the model on a zero tensor', async () => {
  const net = buildLeNet(2);
  const model = new LayerGraphModel(net, 'tiny-lenet');
  const x = randomImages(3, [16, 16, 1]);
  const baseline = tf.memory().numTensors;
  const run = model.forward(x, ['conv3'], new Map([['conv3', [0, 1, 2, 3, 4, 5, 6, 7]]]));
  assert.equal(tf.memory().numTensors, baseline + 3, 'only the returned tensors stay');
  assert.ok((await values(run.outputs[0])).every((v) => v === 0), 'the ablated output is returned');
  // conv3 -> flatten -> dropout (identity) -> fc1 (relu) -> fc2 (softmax): scores = fc2's pre-activation.
  const expected = tf.tidy(() => {
    const hidden = net.getLayer('fc1').apply(tf.zeros([3, run.outputs[0].size / 3])) as tf.Tensor;
    const [kernel, bias] = net.getLayer('fc2').getWeights();
    return tf.add(tf.matMul(hidden as tf.Tensor2D, kernel as tf.Tensor2D), bias);
  });
  const got = await values(run.logits);
  const want = await values(expected);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `logit ${i}: ${v} vs ${want[i]}`));
  tf.dispose([...run.outputs, run.logits, run.probs, expected, x]);
  model.dispose();
});

test('hook: some channels zeroed equal the same channels zeroed after a channel-wise layer (conv2 vs its max pooling)', async () => {
  const model = new LayerGraphModel(buildLeNet(4), 'tiny-lenet');
  const x = randomImages(2, [16, 16, 1], 11);
  const a = model.forward(x, ['conv3'], new Map([['conv2', [1, 4]]]));
  const b = model.forward(x, ['conv3'], new Map([['pool1', [4, 1]]]));
  const plain = model.forward(x, ['conv3']);
  assert.deepEqual(await values(a.logits), await values(b.logits));
  assert.deepEqual(await values(a.outputs[0]), await values(b.outputs[0]));
  assert.notDeepEqual(await values(a.logits), await values(plain.logits), 'the ablation changes the scores');
  tf.dispose([...a.outputs, a.logits, a.probs, ...b.outputs, b.logits, b.probs, ...plain.outputs, plain.logits, plain.probs, x]);
  model.dispose();
});

test('hook: unknown layers, the score layer and channels out of range are refused', () => {
  const model = new LayerGraphModel(buildLeNet(2), 'tiny-lenet');
  const x = randomImages(1, [16, 16, 1]);
  const baseline = tf.memory().numTensors;
  assert.throws(() => model.forward(x, [], new Map([['nope', [0]]])), code('BAD_ARGUMENT'));
  assert.throws(() => model.forward(x, [], new Map([['fc2', [0]]])), code('BAD_ARGUMENT'));
  assert.throws(() => model.forward(x, [], new Map([['conv3', [8]]])), code('BAD_ARGUMENT'));
  assert.equal(tf.memory().numTensors, baseline, 'a refused ablation leaks nothing');
  x.dispose();
  model.dispose();
});

test('hook on a graph model: all channels of the last conv zeroed leave only the dense bias; channel-wise equivalence holds', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-graph-ablation-'));
  const model = await loadModel(await writeTinyGraphModel(dir, 3));
  const x = randomImages(2, [10, 10, 2], 5);
  const plain = model.forward(x, ['pool1']);
  const none = model.forward(x, ['pool1'], new Map());
  assert.deepEqual(await values(none.logits), await values(plain.logits));
  const zero = model.forward(x, ['conv2/Relu'], new Map([['conv2/Relu', [0, 1, 2, 3, 4, 5]]]));
  assert.ok((await values(zero.outputs[0])).every((v) => v === 0));
  const bias = (await fs.readFile(path.join(dir, 'group1-shard1of1.bin'))).subarray(-12);
  const expected = new Float32Array(bias.buffer.slice(bias.byteOffset, bias.byteOffset + 12));
  const logits = await values(zero.logits);
  logits.forEach((v, i) => assert.ok(Math.abs(v - expected[i % 3]) < 1e-6, `logit ${i} = dense bias`));
  const a = model.forward(x, [], new Map([['conv1/Relu', [2]]]));
  const b = model.forward(x, [], new Map([['pool1', [2]]]));
  assert.deepEqual(await values(a.logits), await values(b.logits));
  assert.notDeepEqual(await values(a.logits), await values(plain.logits));
  assert.throws(() => model.forward(x, [], new Map([['nope', [0]]])), code('BAD_ARGUMENT'));
  for (const r of [plain, none, zero, a, b]) tf.dispose([...r.outputs, r.logits, r.probs]);
  x.dispose();
  model.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

test('feature sets: relevant ordered by weight; random draws distinct, in range and reproducible', () => {
  // m = 4 features x C = 2 classes, row-major.
  const w = Float32Array.from([0.1, 0, 0, 0.3, 0.5, 0, 0.2, 1e-12]);
  assert.deepEqual(relevantFeatures(w, 4, 2, 0), [2, 3, 0]);
  assert.deepEqual(relevantFeatures(w, 4, 2, 1), [1]);
  const draw = randomFeatures(50, 7, 9, 2);
  assert.equal(new Set(draw).size, 7);
  assert.ok(draw.every((f) => Number.isInteger(f) && f >= 0 && f < 50));
  assert.deepEqual(randomFeatures(50, 7, 9, 2), draw);
  assert.notDeepEqual(randomFeatures(50, 7, 9, 3), draw);
  assert.deepEqual(randomFeatures(5, 9, 1, 0), [0, 1, 2, 3, 4]);
  const map = toChannelAblation([3, 0, 5], (f) => ({ layer: f < 4 ? 'a' : 'b', channel: f % 4 }));
  assert.deepEqual([...map.entries()], [['a', [3, 0]], ['b', [1]]]);
});

test('ablation: baseline = the model\'s accuracy on the folder, n = 0 = baseline, per-class figures consistent', () => {
  const { summary } = result;
  assert.equal(summary.baselineAccuracy, interpretation.report.data.accuracy);
  assert.equal(summary.data.numImages, 60);
  assert.equal(summary.classes.length, 3);
  for (const c of summary.classes) {
    assert.equal(c.images, 20);
    assert.ok(c.relevant.length > 0);
    assert.deepEqual(c.relevant.map((f) => f.index), interpretation.report.classes[c.index].relevant.map((f) => f.index), 'relevant = the report\'s list');
    assert.equal(c.baseline.class, interpretation.report.data.perClassAccuracy[c.index]);
    const [zero, one, two, all] = c.points;
    assert.deepEqual(zero.relevant, c.baseline);
    assert.deepEqual(zero.random, { class: { mean: c.baseline.class, std: 0 }, others: { mean: c.baseline.others, std: 0 } });
    assert.equal(one.ablated, 1);
    assert.equal(two.ablated, Math.min(2, c.relevant.length));
    assert.equal(all.ablated, c.relevant.length);
    for (const p of c.points) {
      for (const v of [p.relevant.class, p.relevant.others, p.random.class.mean, p.random.others.mean]) assert.ok(v >= 0 && v <= 1);
      assert.ok(p.random.class.std >= 0);
    }
  }
});

/**
 * A hand-set model where each class hangs on one feature, so that ablating it must hurt (the trained
 * fixture is too redundant for that: it keeps 100% with its relevant features zeroed). Classes 0-2:
 * a bright square at a class position; class 3: noise only. Channel k < 3 of `detect` is the mean
 * brightness of square k's area minus 0.5 (fires only on class k); channels 3-7 are the image's
 * mean brightness (fire on everything, unused by the scores). Scores: 10 x channel k, class 3 a bias.
 */
async function detectorModel(dir: string): Promise<{ modelPath: string; dataDir: string }> {
  const size = FIXTURE_SIZE;
  const squares = [0, 1, 2].map((k) => squarePosition(k, 3, size, size));
  const data = await makeImageFolder(path.join(dir, 'data'), {
    classes: 4,
    perClass: 8,
    size,
    channels: 3,
    seed: 4,
    draw: (label, _i, rng) => {
      const px = Uint8Array.from({ length: size * size * 3 }, () => Math.floor(rng() * 40));
      if (label < 3) {
        const { top, left, side } = squares[label];
        for (let y = top; y < top + side; y++) for (let x = left; x < left + side; x++) for (let c = 0; c < 3; c++) px[(y * size + x) * 3 + c] = 210 + Math.floor(rng() * 40);
      }
      return px;
    },
  });
  const kernel = new Float32Array(size * size * 3 * 8);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        for (let k = 0; k < 8; k++) {
          const sq = squares[k];
          const inside = k < 3 && y >= sq.top && y < sq.top + sq.side && x >= sq.left && x < sq.left + sq.side;
          const w = k < 3 ? (inside ? 1 / (sq.side * sq.side * 3) : 0) : 1 / (size * size * 3);
          kernel[((y * size + x) * 3 + c) * 8 + k] = w;
        }
      }
    }
  }
  const dense = new Float32Array(8 * 4);
  for (let k = 0; k < 3; k++) dense[k * 4 + k] = 10;
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'detect', inputShape: [size, size, 3], filters: 8, kernelSize: size, activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ name: 'scores', units: 4, activation: 'softmax' }));
  model.setWeights([
    tf.tensor4d(kernel, [size, size, 3, 8]),
    tf.tensor1d([-0.5, -0.5, -0.5, 0, 0, 0, 0, 0]),
    tf.tensor2d(dense, [8, 4]),
    tf.tensor1d([0, 0, 0, 1]),
  ]);
  const modelPath = await saveLayersModel(model, path.join(dir, 'model'));
  model.dispose();
  return { modelPath, dataDir: data.root };
}

test('ablation: zeroing all relevant features of a class hurts it more than zeroing as many random ones', async () => {
  const dir = path.join(scratch, 'detector');
  const { modelPath, dataDir } = await detectorModel(dir);
  const report = await interpret({ modelPath, dataDir, outDir: path.join(dir, 'report'), backend: 'wasm', cacheDir: null, params: { topK: 2, mu: 5 } });
  assert.equal(report.report.data.accuracy, 1, 'the hand-set model is right on every image');
  const { summary } = await evaluateAblation({ modelPath, dataDir, reportDir: report.outDir, outDir: path.join(dir, 'ablation'), counts: [1, 'all'], draws: 10, seed: 2, backend: 'wasm' });
  for (const c of summary.classes.slice(0, 3)) {
    assert.equal(c.relevant[0].channel, c.index, `class ${c.name} hangs on detector ${c.index}`);
    const all = c.points[1];
    assert.equal(all.relevant.class, 0, `class ${c.name}: its detector zeroed, every image falls to the bias class`);
    assert.ok(all.random.class.mean > 0.5, `class ${c.name}: random ablations mostly miss its detector (${all.random.class.mean})`);
    assert.equal(all.relevant.others, 1, 'the other classes keep their accuracy');
  }
  const mean = summary.average.points[1];
  assert.ok(mean.relevant.class < mean.random.class.mean - 0.3, `mean over classes: relevant ${mean.relevant.class} vs random ${mean.random.class.mean}`);
});

test('ablation: output folder holds ablation.json, ablation.md and a PNG plot', async () => {
  const names = (await fs.readdir(result.outDir)).sort();
  assert.deepEqual(names, ['ablation.json', 'ablation.md', 'ablation.png', 'vebi-output.json']);
  const json = JSON.parse(await fs.readFile(path.join(result.outDir, 'ablation.json'), 'utf8'));
  assert.equal(json.kind, 'ablation');
  assert.equal(json.classes.length, 3);
  const md = await fs.readFile(path.join(result.outDir, 'ablation.md'), 'utf8');
  assert.match(md, /\| \*\*mean\*\* \|/);
  const png = await fs.readFile(path.join(result.outDir, 'ablation.png'));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(png.readUInt32BE(16) >= 800, 'plot width');
});

test('ablation: tensors return to their baseline count; a rerun with the same seed gives the same figures', async () => {
  const baseline = tf.memory().numTensors;
  const again = await evaluateAblation({
    modelPath: fixture.modelPath,
    dataDir: fixture.dataDir,
    reportDir: interpretation.outDir,
    outDir: path.join(scratch, 'ablation-again'),
    counts: [0, 1, 2, 'all'],
    draws: 6,
    seed: 3,
    batchSize: 32,
    backend: 'wasm',
  });
  assert.equal(tf.memory().numTensors, baseline);
  assert.deepEqual(again.summary.average, result.summary.average);
});

test('ablation: cancelling during the runs rejects with CANCELLED and writes nothing', async () => {
  const controller = new AbortController();
  const out = path.join(scratch, 'ablation-cancelled');
  const baseline = tf.memory().numTensors;
  await assert.rejects(
    evaluateAblation(
      { modelPath: fixture.modelPath, dataDir: fixture.dataDir, reportDir: interpretation.outDir, outDir: out, draws: 3, backend: 'wasm' },
      { signal: controller.signal, onProgress: (e) => e.stage === 'evaluate' && e.done >= 2 && controller.abort() },
    ),
    code('CANCELLED'),
  );
  assert.equal(tf.memory().numTensors, baseline);
  assert.deepEqual((await fs.readdir(scratch)).filter((n) => n.includes('ablation-cancelled')), []);
});

test('ablation errors: report of another model, class count mismatch, empty folder, bad counts', async () => {
  const base = { dataDir: fixture.dataDir, reportDir: interpretation.outDir, outDir: path.join(scratch, 'never'), backend: 'wasm' as const };
  const other = await writeTinyModel(path.join(scratch, 'other-model'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: other }), (e) => isVebiError(e) && ['REPORT_INVALID', 'CLASS_COUNT_MISMATCH'].includes(e.code));
  const four = await makeImageFolder(path.join(scratch, 'four'), { classes: 4, perClass: 2, size: FIXTURE_SIZE, channels: 3, classNames: [...fixture.classes, 'extra'] });
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, dataDir: four.root }), code('CLASS_COUNT_MISMATCH'));
  await fs.mkdir(path.join(scratch, 'empty'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, dataDir: path.join(scratch, 'empty') }), code('DATA_NO_CLASSES'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, reportDir: path.join(scratch, 'nope') }), code('REPORT_NOT_FOUND'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, counts: [] }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, draws: 0 }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateAblation({ ...base, modelPath: fixture.modelPath, counts: [1, 1] }), code('BAD_ARGUMENT'));
  await assert.rejects(fs.stat(path.join(scratch, 'never')));
});

test('cli: eval dispatch and --counts parsing', async () => {
  assert.deepEqual(parseCounts('1, 2,all'), [1, 2, 'all']);
  assert.equal(parseCounts(undefined), undefined);
  assert.throws(() => parseCounts('1,x'), code('BAD_ARGUMENT'));
  await assert.rejects(runEval(['nope'], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
  await assert.rejects(runEval(['ablation', '--model', fixture.modelPath], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
});
