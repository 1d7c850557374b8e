/**
 * A real third-party TF.js graph model end to end: nsfwjs's pretrained MobileNetV2 (fused
 * Conv2D/DepthwiseConv2D + Relu6 nodes), interpreted on a small folder and one image explained, on
 * wasm. The folder's labels are meaningless: this checks that the pipeline runs and its invariants
 * hold (gradients through fused ops included), not what the model has learned.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { computeExplanation, explain, interpret, loadModel, readInterpretation, selectBackend } from '../../src/engine';
import type { InterpretResult } from '../../src/engine';
import { decodeImage, preprocess } from '../../src/engine/data';
import { FeatureTable } from '../../src/engine/interpret/feature-table';
import { restrictFeatureLayers } from '../../src/engine/model/restrict-feature-layers';
import type { VebiModel } from '../../src/engine/model/types';
import { makeImageFolder } from '../helpers/make-image-folder';
import type { ImageFolder } from '../helpers/make-image-folder';
import { NSFWJS_CLASSES, writeNsfwjsMobileNetV2 } from '../helpers/nsfwjs-model';

const SIZE = 224;

let root: string;
let modelPath: string;
let model: VebiModel;
let loadMs: number;
let folder: ImageFolder;
let result: InterpretResult;
/** Feature nodes the fit uses: see the interpret test. */
let layers: string[];

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-nsfwjs-'));
  modelPath = await writeNsfwjsMobileNetV2(path.join(root, 'model'));
  // Folder names are nsfwjs's class names, so vebi.json's classNames match the folder.
  folder = await makeImageFolder(path.join(root, 'data'), { classes: 5, perClass: 3, size: SIZE, channels: 3, classNames: [...NSFWJS_CLASSES] });
  await selectBackend('wasm');
  const t0 = performance.now();
  model = await loadModel(modelPath);
  loadMs = performance.now() - t0;
});

after(async () => {
  model?.dispose();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

test('nsfwjs MobileNetV2 loads as a graph model: 224x224x3 input, 5 classes, fused-op feature nodes, probabilities sum to 1', (t) => {
  t.diagnostic(`model load ${loadMs.toFixed(0)} ms; ${model.featureLayers.length} feature nodes, ${model.featureCount} features`);
  assert.equal(model.format, 'tfjs-graph');
  assert.deepEqual(model.inputShape, [SIZE, SIZE, 3]);
  assert.equal(model.numClasses, 5);
  const ops = new Set(model.layers.filter((l) => l.isFeature).map((l) => l.className));
  assert.ok(ops.has('_FusedConv2D') && ops.has('FusedDepthwiseConv2dNative'), `feature node ops: ${[...ops].join(', ')}`);
  const x = tf.randomUniform([2, SIZE, SIZE, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const { outputs, logits, probs } = model.forward(x, model.featureLayers.slice(0, 2));
  const sums = probs.sum(1).arraySync() as number[];
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, `probabilities sum to ${s}`);
  tf.dispose([x, logits, probs, ...outputs]);
});

test('interpret: report written, features from graph nodes, exact sparse fit for every class', async (t) => {
  // All 53 feature nodes give 25,760 features, whose m x m Gram matrix and solve take about 37 s
  // on 2 cores (about 75 s for the whole run): the fit here uses the 17 depthwise-conv nodes (one
  // per inverted-residual block, all fused ops) to keep `npm test` fast.
  layers = model.layers.filter((l) => l.isFeature && l.className === 'FusedDepthwiseConv2dNative').map((l) => l.name);
  assert.equal(layers.length, 17);
  result = await interpret({ modelPath, dataDir: folder.root, outDir: path.join(root, 'report'), backend: 'wasm', cacheDir: null, params: { topK: 4, batchSize: 8, layers } });
  const { report, outDir } = result;
  const timings = report.timings;
  t.diagnostic(`interpret total ${timings.totalMs?.toFixed(0)} ms on ${report.model.featureCount} features (features ${timings.featuresMs?.toFixed(0)} ms at ${timings.imagesPerSecond?.toFixed(1)} images/s, Gram ${timings.gramMs?.toFixed(0)} ms, solve ${timings.solveMs?.toFixed(0)} ms, visuals ${timings.visualsMs?.toFixed(0)} ms)`);
  await fs.access(path.join(outDir, 'report.json'));
  await fs.access(path.join(outDir, 'index.html'));
  assert.equal(report.backend, 'wasm');
  assert.equal(report.model.format, 'tfjs-graph');
  const featureLayers = report.model.layers.filter((l) => l.isFeature).map((l) => l.name);
  assert.deepEqual(featureLayers, layers, 'feature layers are the chosen graph nodes');
  assert.ok(model.featureLayers.every((name) => name.includes('/MobilenetV2/')), 'every feature layer is a node of the graph');
  assert.deepEqual(report.classes.map((c) => c.name), [...NSFWJS_CLASSES]);
  for (const c of report.classes) {
    assert.equal(c.count, 3);
    assert.ok(c.solve.kktViolation < 1e-6, `class ${c.name}: KKT ${c.solve.kktViolation}`);
    assert.ok(c.signedSolve.kktViolation < 1e-6, `class ${c.name}: signed KKT ${c.signedSolve.kktViolation}`);
  }
});

test('explain one image: 1-3 features, heatmaps in [0,1] (gradients through fused ops on wasm)', async (t) => {
  assert.ok(result, 'interpret ran');
  const image = folder.files[0].path;
  const t0 = performance.now();
  const outDir = path.join(root, 'explain');
  const { report } = await explain({ modelPath, imagePath: image, reportDir: result.outDir, outDir, backend: 'wasm', cacheDir: null });
  t.diagnostic(`one explanation ${(performance.now() - t0).toFixed(0)} ms (explain step ${report.timings.explainMs?.toFixed(0)} ms)`);
  assert.ok(report.features.length >= 1 && report.features.length <= 3, `${report.features.length} features`);
  for (const f of report.features) await fs.access(path.join(outDir, f.heatmap));

  // The same explanation in memory: the maps themselves are finite and in [0,1].
  const interpretation = await readInterpretation(result.outDir);
  const restricted = restrictFeatureLayers(model, layers);
  const table = new FeatureTable(restricted.layers);
  const weights = { ...interpretation, numClasses: 5, feature: (i: number) => table.at(i), l2Normalize: true };
  const input = preprocess(await decodeImage(image, { height: SIZE, width: SIZE, channels: 3 }), 3, { kind: 'unit' });
  const explanation = computeExplanation(restricted, weights, input, { topFeatures: 3, stridedFix: true });
  assert.ok(explanation.features.length >= 1 && explanation.features.length <= 3);
  for (const map of [explanation.combined, ...explanation.features.map((f) => f.heatmap)]) {
    assert.equal(map.length, SIZE * SIZE);
    assert.ok(map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), 'heatmap values in [0,1]');
  }
});
