/**
 * Sanity checks: the model hook that re-initialises layers (copies, determinism, Glorot scale,
 * disposal), the in-memory interpretation against `interpret`'s report, and `evaluateSanity` end to
 * end on the really trained fixture model (step 0 similarity 1, gradient maps decorrelate, files,
 * cancellation, graph models refused, tensors released).
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { interpret, loadModel } from '../../src/engine';
import { scanDataset } from '../../src/engine/data';
import { runEval } from '../../src/cli/commands/eval';
import { evaluateSanity } from '../../src/engine/evaluate/sanity';
import type { SanityResult } from '../../src/engine/evaluate/sanity';
import { fitInterpretation } from '../../src/engine/interpret/fit-interpretation';
import { LayerGraphModel } from '../../src/engine/model/layer-graph';
import type { VebiModel } from '../../src/engine/model/types';
import { readInterpretation } from '../../src/engine/report/read-report';
import { DEFAULT_INTERPRET_PARAMS } from '../../src/shared/params';
import { isVebiError } from '../../src/shared/errors';
import type { VebiErrorCode } from '../../src/shared/errors';
import type { SanityReport } from '../../src/shared/evaluation';
import { useBackend } from '../helpers/backend';
import { buildLeNet, randomImages, writeTinyGraphModel } from '../helpers/tiny-models';
import { trainedFixture } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

let fixture: TrainedFixture;
let scratch: string;
let result: SanityResult;
let baseline: number;
const METHODS = ['vebi', 'gradient', 'guided-backprop', 'gradcam'];

const code = (expected: VebiErrorCode) => (error: unknown) => isVebiError(error) && error.code === expected;

before(async () => {
  await useBackend('wasm');
  fixture = await trainedFixture();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-sanity-'));
  baseline = tf.memory().numTensors;
  result = await evaluateSanity({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, imagesDir: fixture.dataDir, outDir: path.join(scratch, 'sanity'), methods: METHODS, numImages: 4, params: { mu: 5 }, backend: 'wasm' });
});

after(() => fs.rm(scratch, { recursive: true, force: true }));

/** Logits and one layer's output, as arrays. */
function run(model: VebiModel, x: tf.Tensor4D, layer: string): { out: Float32Array; logits: Float32Array } {
  const { outputs, logits, probs } = model.forward(x, [layer]);
  const values = { out: outputs[0].dataSync() as Float32Array, logits: logits.dataSync() as Float32Array };
  tf.dispose([...outputs, logits, probs]);
  return values;
}

// ---------------------------------------------------------------- the model hook

test('hook: layers with a kernel, input to output; a copy re-initialises only the named ones, deterministically', async () => {
  const before = tf.memory().numTensors;
  const model = new LayerGraphModel(buildLeNet(2), 'tiny-lenet');
  assert.deepEqual(model.randomizableLayers(), ['conv1', 'conv2', 'conv3', 'fc1', 'fc2']);
  const x = randomImages(2, [16, 16, 1]);
  const original = run(model, x, 'conv3');
  const top = await model.withRandomizedLayers(['fc2', 'fc1'], 5);
  const again = await model.withRandomizedLayers(['fc1', 'fc2'], 5);
  const other = await model.withRandomizedLayers(['fc2', 'fc1'], 6);
  const a = run(top, x, 'conv3');
  assert.deepEqual(a.out, original.out, 'layers below the re-initialised ones are copies');
  assert.notDeepEqual(a.logits, original.logits);
  assert.deepEqual(run(again, x, 'conv3').logits, a.logits, 'same seed, same draw, whatever the list order');
  assert.notDeepEqual(run(other, x, 'conv3').logits, a.logits);
  assert.deepEqual(run(model, x, 'conv3').logits, original.logits, 'the original is untouched');
  // Each model owns its variables: disposing one leaves the others working.
  model.dispose();
  assert.deepEqual(run(top, x, 'conv3').logits, a.logits);
  tf.dispose([x]);
  [top, again, other].forEach((m) => m.dispose());
  assert.equal(tf.memory().numTensors, before);
});

test('hook: kernels drawn at the Glorot scale, biases zero, other layers refused', async () => {
  const net = buildLeNet(2);
  const model = new LayerGraphModel(net, 'tiny-lenet');
  const copy = (await model.withRandomizedLayers(['fc1'], 3)) as LayerGraphModel;
  // The copy's tf.LayersModel is private: read its layer's weights through a cast.
  const [kernel, bias] = (copy as unknown as { model: tf.LayersModel }).model.getLayer('fc1').getWeights();
  const k = kernel.dataSync() as Float32Array;
  const std = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / k.length);
  const [fanIn, fanOut] = kernel.shape;
  assert.ok(Math.abs(std / Math.sqrt(2 / (fanIn + fanOut)) - 1) < 0.15, `std ${std}`);
  assert.ok(bias.dataSync().every((v) => v === 0));
  await assert.rejects(model.withRandomizedLayers(['pool1'], 1), code('BAD_ARGUMENT'));
  await assert.rejects(model.withRandomizedLayers(['nope'], 1), code('BAD_ARGUMENT'));
  copy.dispose();
  model.dispose();
});

test('hook: graph models have nothing to re-initialise and say why', async () => {
  const graph = await loadModel(await writeTinyGraphModel(path.join(scratch, 'graph')));
  try {
    assert.deepEqual(graph.randomizableLayers(), []);
    await assert.rejects(graph.withRandomizedLayers(['conv1/Conv2D'], 1), (e: unknown) => code('MODEL_UNSUPPORTED')(e) && /graph model/.test((e as Error).message));
  } finally {
    graph.dispose();
  }
});

// ---------------------------------------------------------------- in-memory interpretation

test('fitInterpretation gives the weights interpret writes', async () => {
  const params = { topK: 2, mu: 5 };
  const report = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(scratch, 'report'), backend: 'wasm', cacheDir: null, params });
  const written = await readInterpretation(report.outDir);
  const model = await loadModel(fixture.modelPath);
  try {
    const items = (await scanDataset(fixture.dataDir, { order: 'lexicographic' })).items;
    const fit = await fitInterpretation(model, items, { ...DEFAULT_INTERPRET_PARAMS, mu: 5 });
    assert.deepEqual(fit.weights.nonNegative, written.nonNegative);
    assert.deepEqual(fit.weights.signed, written.signed);
    assert.deepEqual(fit.weights.peakResponses, written.peakResponses);
    assert.equal(fit.accuracy, report.report.data.accuracy);
    assert.equal(fit.relevantFeatures, report.report.classes.reduce((n, c) => n + c.relevant.length, 0));
  } finally {
    model.dispose();
  }
});

// ---------------------------------------------------------------- evaluateSanity

test('sanity: a step per layer with weights, top first; step 0 similarity 1; no tensor left behind', () => {
  const s = result.summary;
  assert.equal(tf.memory().numTensors, baseline);
  assert.deepEqual(s.steps.map((st) => st.layer), [null, 'scores', 'conv_b_stride2', 'conv_a']);
  assert.deepEqual(s.steps[2].randomized, ['scores', 'conv_b_stride2']);
  assert.equal(s.steps[0].accuracy, 1);
  assert.equal(s.images.length, 4);
  assert.deepEqual(s.methods.map((m) => m.name), METHODS);
  for (const m of s.methods) {
    assert.equal(m.error, undefined, `${m.name}: ${m.error}`);
    assert.equal(m.spearman.length, 4);
    assert.ok(Math.abs(m.spearman[0].mean - 1) < 1e-12 && m.spearman[0].std < 1e-12, `${m.name} step 0 Spearman ${m.spearman[0].mean}`);
    assert.ok(Math.abs(m.ssim[0].mean - 1) < 1e-9, `${m.name} step 0 SSIM ${m.ssim[0].mean}`);
  }
  for (const c of s.classSensitivity) assert.ok(c.spearman && c.ssim && c.spearman.mean <= 1 && c.ssim.mean <= 1);
});

test('sanity: gradient-type explanations lose their rank correlation as the weights are randomised', () => {
  const byName = new Map(result.summary.methods.map((m) => [m.name, m]));
  for (const name of ['gradient', 'guided-backprop']) {
    const rho = (byName.get(name) as SanityReport['methods'][number]).spearman.map((v) => v.mean);
    assert.ok(rho[rho.length - 1] < 0.6, `${name}: Spearman ${rho.map((v) => v.toFixed(2)).join(' ')}`);
    assert.ok(rho.slice(1).every((v) => v < 0.9), `${name}: every randomised step differs (${rho.map((v) => v.toFixed(2)).join(' ')})`);
  }
});

test('sanity: sanity.json, sanity.md and a readable sanity.png', async () => {
  assert.deepEqual((await fs.readdir(result.outDir)).sort(), ['sanity.json', 'sanity.md', 'sanity.png', 'vebi-output.json']);
  const json = JSON.parse(await fs.readFile(path.join(result.outDir, 'sanity.json'), 'utf8')) as SanityReport;
  assert.deepEqual(json, JSON.parse(JSON.stringify(result.summary)));
  const md = await fs.readFile(path.join(result.outDir, 'sanity.md'), 'utf8');
  assert.match(md, /\| method \| original \| \+scores \| \+conv_b_stride2 \| \+conv_a \|/);
  assert.match(md, /\| Gradient \| 1\.00 \|/);
  const meta = await sharp(path.join(result.outDir, 'sanity.png')).metadata();
  assert.equal(meta.width, 940);
  assert.ok((meta.height ?? 0) >= 440);
});

test('sanity: cancelling during the cascade rejects with CANCELLED and writes nothing', async () => {
  const controller = new AbortController();
  const before = tf.memory().numTensors;
  await assert.rejects(
    evaluateSanity(
      { modelPath: fixture.modelPath, dataDir: fixture.dataDir, imagesDir: fixture.dataDir, outDir: path.join(scratch, 'sanity-cancelled'), methods: ['vebi', 'gradient'], numImages: 2 },
      { signal: controller.signal, onProgress: (e) => e.stage === 'evaluate' && e.done >= 1 && controller.abort() },
    ),
    code('CANCELLED'),
  );
  assert.deepEqual((await fs.readdir(scratch)).filter((n) => n.includes('sanity-cancelled')), []);
  assert.equal(tf.memory().numTensors, before);
});

test('sanity: graph models and bad arguments are refused with their codes', async () => {
  const graphPath = await writeTinyGraphModel(path.join(scratch, 'graph2'));
  const base = { modelPath: fixture.modelPath, dataDir: fixture.dataDir, imagesDir: fixture.dataDir, outDir: path.join(scratch, 'sanity-bad') };
  await assert.rejects(evaluateSanity({ ...base, modelPath: graphPath }), (e: unknown) => code('MODEL_UNSUPPORTED')(e) && /graph model/.test((e as Error).message));
  await assert.rejects(evaluateSanity({ ...base, methods: ['nope'] }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateSanity({ ...base, numImages: 0 }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateSanity({ ...base, imagesDir: path.join(scratch, 'nowhere') }), code('DATA_NOT_FOUND'));
  await assert.rejects(fs.stat(base.outDir));
});

test('CLI: vebi eval sanity prints the Spearman table by step', async () => {
  const out = path.join(scratch, 'sanity-cli');
  const args = ['eval', 'sanity', '--model', fixture.modelPath, '--data', fixture.dataDir, '--images', fixture.dataDir, '--out', out, '--methods', 'gradient', '--num-images', '2', '--mu', '5', '--seed', '4', '--backend', 'wasm'];
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // The real command in a child process: stdout belongs to the test runner here.
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/index.ts'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (exit) => resolve({ code: exit, stdout, stderr }));
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Sanity checks on 2 images/);
  assert.match(run.stdout, /step k = the top k layers re-initialised: 1 scores, 2 conv_b_stride2, 3 conv_a/);
  assert.match(run.stdout, /Gradient +1\.00 +-?\d\.\d\d +-?\d\.\d\d +-?\d\.\d\d +-?\d\.\d\d/);
  const json = JSON.parse(await fs.readFile(path.join(out, 'sanity.json'), 'utf8')) as SanityReport;
  assert.equal(json.params.seed, 4);
  assert.equal(json.params.mu, 5);
  assert.deepEqual(json.steps.map((s) => s.accuracy), [null, null, null, null], 'no fit without VEBI-type methods');
  await assert.rejects(runEval(['sanity', '--model', fixture.modelPath, '--data', fixture.dataDir], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
  await assert.rejects(runEval(['sanity', '--model', fixture.modelPath, '--data', fixture.dataDir, '--images', fixture.dataDir, '--mu', 'lots'], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
});
