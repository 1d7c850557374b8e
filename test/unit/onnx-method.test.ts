/**
 * The whole method on a model exported by PyTorch: a small CNN (.onnx, random weights) goes through
 * interpret, explain (VEBI and a gradient method), the ablation evaluation and the randomisation
 * sanity check, exactly as Keras models do; receptive fields are exact and every layer of the
 * converted model is one the engine knows how to run backwards.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluateAblation, evaluateSanity, explain, interpret, loadModel } from '../../src/engine';
import { useBackend } from '../helpers/backend';
import { makeImageFolder } from '../helpers/make-image-folder';
import { makeOnnxFixtures, onnxFixturesSkip } from '../helpers/onnx-fixtures';

const skip = onnxFixturesSkip();
let dir = '';

test.before(async () => {
  await useBackend('wasm');
  if (!skip) dir = makeOnnxFixtures(['small_cnn:opset13-unfolded']);
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an ONNX model: receptive fields and layer summaries as for a Keras model', { skip }, async () => {
  const model = await loadModel(path.join(dir, 'small_cnn-opset13-unfolded.onnx'));
  try {
    // conv1 3x3 (field 3), pool 2 (field 4, jump 2), conv2 3x3: 4 + 2 * 2 = 8 pixels, jump 2.
    const field = model.receptiveField('conv2');
    assert.deepEqual(field?.size, [8, 8]);
    assert.deepEqual(field?.jump, [2, 2]);
    assert.deepEqual(model.featureLayers.slice(0, 3), ['conv1', 'Relu', 'pool']);
    assert.deepEqual(model.randomizableLayers(), ['conv1', 'conv2', 'fc1', 'fc2']);
  } finally {
    model.dispose();
  }
});

test('an ONNX model goes through interpret, explain, ablation and the sanity check', { skip }, async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vebi-onnx-method-'));
  try {
    const modelPath = path.join(dir, 'small_cnn-opset13-unfolded.onnx');
    const data = await makeImageFolder(path.join(root, 'data'), { classes: 10, perClass: 3, size: 32, channels: 3 });
    const { report, outDir } = await interpret({ modelPath, dataDir: data.root, outDir: path.join(root, 'report'), backend: 'wasm', cacheDir: null, params: { topK: 2, labels: 'predicted' } });
    assert.equal(report.model.format, 'onnx');
    assert.ok(report.classes.some((c) => c.relevant.length > 0), 'some class has relevant features');
    const image = data.files[0].path;
    for (const method of ['vebi', 'gradient']) {
      const { report: explanation } = await explain({ modelPath, imagePath: image, reportDir: outDir, outDir: path.join(root, `explain-${method}`), backend: 'wasm', cacheDir: null, params: { method } });
      assert.ok(readdirSync(path.join(root, `explain-${method}`)).some((f) => f.endsWith('.png')), `${method}: heatmaps written`);
      if (method === 'vebi') assert.ok(explanation.features.length > 0, 'VEBI shows relevant features');
      else assert.equal(explanation.method?.name, method);
    }
    const ablation = await evaluateAblation({ modelPath, dataDir: data.root, reportDir: outDir, outDir: path.join(root, 'ablation'), counts: [1], draws: 1, backend: 'wasm' });
    const ablated = ablation.summary.classes.filter((c) => c.relevant.length > 0);
    assert.ok(ablated.length > 0 && ablated.every((c) => c.points[0].ablated === 1), 'each class with relevant features had one ablated');
    const sanity = await evaluateSanity({ modelPath, dataDir: data.root, imagesDir: data.root, outDir: path.join(root, 'sanity'), methods: ['gradient'], numImages: 2, backend: 'wasm' });
    // Cascading randomisation, top layer first, through the converted model's own layers.
    assert.deepEqual(sanity.summary.steps.map((step) => step.layer), [null, 'fc2', 'fc1', 'conv2', 'conv1']);
    assert.equal(sanity.summary.methods[0].error, undefined);
    assert.ok(sanity.summary.methods[0].spearman[0].mean > 0.999, 'step 0 is the original model');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
