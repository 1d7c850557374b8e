/**
 * interpret + explain end to end on a really trained fixture model: report contents, files,
 * cache, cancellation, tensor hygiene.
 */
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explain, interpret, computeExplanation, loadModel, readInterpretation } from '../../src/engine';
import type { InterpretResult } from '../../src/engine';
import { decodeImage, preprocess, scanDataset } from '../../src/engine/data';
import { channelSeed } from '../../src/engine/explain/channel-seed';
import { signalToHeatmap } from '../../src/engine/image';
import { fitInterpretation } from '../../src/engine/interpret/fit-interpretation';
import { StreamedGram } from '../../src/engine/interpret/fit-weights';
import { DEFAULT_INTERPRET_PARAMS } from '../../src/shared/params';
import { FeatureTable } from '../../src/engine/interpret/feature-table';
import { isVebiError } from '../../src/shared/errors';
import type { ProgressEvent } from '../../src/shared/progress';
import { trainedFixture, FIXTURE_SIZE } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

let fixture: TrainedFixture;
let first: InterpretResult;
let cacheDir: string;

async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const bytes = await fs.readFile(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function siblingsOf(dir: string): Promise<string[]> {
  return (await fs.readdir(path.dirname(dir))).filter((name) => name.includes(path.basename(dir)));
}

before(async () => {
  fixture = await trainedFixture();
  cacheDir = path.join(fixture.root, 'cache');
  const events: ProgressEvent[] = [];
  first = await interpret(
    { modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(fixture.root, 'report'), backend: 'wasm', cacheDir, params: { topK: 6, batchSize: 7 } },
    { onProgress: (event) => events.push(event) },
  );
  assert.ok(events.some((e) => e.stage === 'features' && e.done === e.total && e.total === 60), 'feature progress reaches 60/60');
  assert.ok(events.some((e) => e.stage === 'solve'));
  assert.ok(events.some((e) => e.stage === 'interpret'));
});

test('the fixture model has learned its task', () => {
  assert.ok(fixture.trainAccuracy > 0.9, `train accuracy ${fixture.trainAccuracy}`);
  assert.ok(first.report.data.accuracy > 0.9, `folder accuracy ${first.report.data.accuracy}`);
});

test('report: feature layers, relevant features per class with exact fits, per-layer counts', () => {
  const { report } = first;
  assert.equal(report.cacheKey.length, 64);
  assert.equal(report.backend, 'wasm');
  assert.deepEqual(report.model.layers.filter((l) => l.isFeature).map((l) => l.name), ['conv_a', 'pool_a', 'conv_b_stride2', 'relu_b']);
  assert.equal(report.model.featureCount, 32);
  assert.ok(report.model.layers.find((l) => l.name === 'flatten')?.skipReason);
  assert.equal(report.classes.length, 3);
  for (const c of report.classes) {
    assert.ok(c.relevant.length > 0, `class ${c.name} has relevant features`);
    assert.ok(c.relevant.every((f, i, all) => f.weight > 0 && (i === 0 || all[i - 1].weight >= f.weight)));
    assert.ok(c.solve.l1 <= report.params.mu + 1e-6);
    assert.ok(c.solve.kktViolation < 1e-6, `KKT ${c.solve.kktViolation}`);
    assert.ok(c.signedSolve.kktViolation < 1e-6);
    assert.equal(Object.values(c.perLayer).reduce((a, b) => a + b, 0), c.relevant.length);
    assert.ok(c.absent.every((f) => f.weight < 0));
    assert.equal(c.count, 20);
  }
});

test('the Gram built batch by batch (7 images) gives the fits of the whole feature matrix in one product', async () => {
  const model = await loadModel(fixture.modelPath);
  try {
    const { items } = await scanDataset(fixture.dataDir);
    const params = { ...DEFAULT_INTERPRET_PARAMS, ...first.report.params };
    const whole = await fitInterpretation(model, items, { ...params, batchSize: items.length });
    const streamed = await fitInterpretation(model, items, { ...params, batchSize: 7 });
    const written = await readInterpretation(first.outDir);
    for (const [name, a, b] of [
      ['non-negative', whole.weights.nonNegative, streamed.weights.nonNegative],
      ['signed', whole.weights.signed, streamed.weights.signed],
      ['written non-negative', whole.weights.nonNegative, written.nonNegative],
    ] as const) {
      assert.equal(a.length, b.length);
      const diff = a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);
      assert.ok(diff < 1e-6, `${name} weights differ by ${diff}`);
    }
    assert.ok(whole.relevantFeatures > 0);
  } finally {
    model.dispose();
  }
});

test('the streamed Gram fits the true labels or the predictions, as asked', () => {
  const rows = Float32Array.from([1, 0, 0, 1]);
  const labels = Int32Array.from([0, 1]);
  const predictions = Int32Array.from([1, 1]);
  for (const [targets, yty, xty] of [['gt', [1, 1], [1, 0, 0, 1]], ['predicted', [0, 2], [0, 0, 1, 1]]] as const) {
    const gram = new StreamedGram(2, 2, targets);
    gram.add(rows, labels, predictions);
    const data = gram.finish();
    assert.deepEqual([...data.yty], yty, targets);
    assert.deepEqual([...data.xty], xty, targets);
    assert.deepEqual([...data.gram], [1, 0, 0, 1]);
  }
});

test('a feature count whose Gram matrix would not fit in memory is refused before any image is read, naming the way out', () => {
  const fourGiB = 4 * 2 ** 30;
  assert.throws(
    () => new StreamedGram(25760, 5, 'gt', fourGiB),
    (error) => isVebiError(error) && error.code === 'BAD_ARGUMENT' && /25,760 features.*4\.9 GiB.*4\.0 GiB.*--layers.*vebi\.layers/.test(error.message),
  );
  assert.doesNotThrow(() => new StreamedGram(8000, 5, 'gt', fourGiB)); // 0.48 GiB of 4
});

test('report folder: every referenced PNG exists, index.html links only existing files', async () => {
  const { report, outDir } = first;
  const files = Object.values(report.visuals).flatMap((v) => [v.average, v.strip, v.guided]);
  assert.ok(files.length >= 3);
  for (const file of files) {
    const size = await pngSize(path.join(outDir, file));
    assert.ok(size.width >= 64 && size.height >= 64, `${file} is enlarged for display`);
  }
  for (const visual of Object.values(report.visuals)) {
    assert.ok(visual.topImages.length === 6);
    assert.ok(visual.topImages.every((t, i, all) => i === 0 || all[i - 1].response >= t.response));
  }
  const html = await fs.readFile(path.join(outDir, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(sources.length >= files.length);
  for (const src of sources) await fs.access(path.join(outDir, src));
  assert.deepEqual(await siblingsOf(outDir), ['report'], 'no partial folders left');
});

test('a second run with the same inputs comes from the cache at once; changed parameters recompute', async () => {
  const out = path.join(fixture.root, 'report-again');
  const start = performance.now();
  const again = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: out, backend: 'wasm', cacheDir, params: { topK: 6, batchSize: 7 } });
  assert.equal(again.cached, true);
  assert.ok(performance.now() - start < 2000);
  assert.equal(again.report.cacheKey, first.report.cacheKey);
  const changed = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: out, backend: 'wasm', cacheDir, params: { topK: 6, batchSize: 7, mu: 2 } });
  assert.equal(changed.cached, false);
  assert.notEqual(changed.report.cacheKey, first.report.cacheKey);
});

test('explain: prediction, top-3 features by score, heatmaps in [0,1], files, paired visuals', async () => {
  const image = path.join(fixture.dataDir, '2', 'img-0003.png');
  const out = path.join(fixture.root, 'explain');
  const { report } = await explain({ modelPath: fixture.modelPath, imagePath: image, reportDir: first.outDir, outDir: out, backend: 'wasm' });
  assert.equal(report.prediction.className, '2');
  assert.ok(Math.abs(report.prediction.probabilities.reduce((a, p) => a + p.probability, 0) - 1) < 1e-4);
  assert.ok(report.features.length >= 1 && report.features.length <= 3);
  assert.ok(report.features.every((f, i, all) => f.score > 0 && (i === 0 || all[i - 1].score >= f.score)));
  for (const f of report.features) {
    await pngSize(path.join(out, f.heatmap));
    await pngSize(path.join(out, f.overlay));
    assert.ok(f.visual, 'each feature is paired with its interpretation');
  }
  await pngSize(path.join(out, report.combined.overlay));
  const html = await fs.readFile(path.join(out, 'index.html'), 'utf8');
  for (const src of [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1])) await fs.access(path.join(out, src));
});

test('explanation maps are in [0,1], finite, the combined map is their max, and 50 runs leak no tensor', async () => {
  const model = await loadModel(fixture.modelPath);
  const interpretation = await readInterpretation(first.outDir);
  const table = new FeatureTable(model.layers);
  const weights = { ...interpretation, numClasses: 3, feature: (i: number) => table.at(i), l2Normalize: true };
  const shape = { height: FIXTURE_SIZE, width: FIXTURE_SIZE, channels: 3 as const };
  const input = preprocess(await decodeImage(path.join(fixture.dataDir, '0', 'img-0001.png'), shape), 3, { kind: 'unit' });
  const inputCopy = input.slice();
  const warm = computeExplanation(model, weights, input, { topFeatures: 3, stridedFix: true });
  for (const map of [warm.combined, ...warm.features.map((f) => f.heatmap)]) {
    assert.equal(map.length, FIXTURE_SIZE * FIXTURE_SIZE);
    assert.ok(map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
  }
  assert.ok(Math.max(...warm.combined) === 1, 'min-max scaled');
  for (let p = 0; p < warm.combined.length; p++) assert.equal(warm.combined[p], Math.max(...warm.features.map((f) => f.heatmap[p])));
  // The seeds come from the explanation's own forward: the same maps as a fresh forward per feature.
  const x = tf.tensor4d(input, [1, FIXTURE_SIZE, FIXTURE_SIZE, 3]);
  for (const f of warm.features) {
    const signal = tf.tidy(() => model.project(x, f.layer, channelSeed(model, x, f.layer, f.channel), { rule: 'guided', stridedFix: true }));
    const fresh = signalToHeatmap(signal.dataSync() as Float32Array, FIXTURE_SIZE, FIXTURE_SIZE, 3);
    signal.dispose();
    assert.ok(fresh.every((v, p) => Math.abs(v - f.heatmap[p]) < 1e-6), `${f.layer} #${f.channel}: same heatmap`);
  }
  x.dispose();
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) computeExplanation(model, weights, input, { topFeatures: 3, stridedFix: i % 2 === 0 });
  assert.equal(tf.memory().numTensors, baseline);
  assert.deepEqual(input, inputCopy, 'the input is untouched');
  model.dispose();
});

test('cancelling during feature extraction rejects with CANCELLED and writes nothing', async () => {
  const out = path.join(fixture.root, 'cancelled');
  const controller = new AbortController();
  await assert.rejects(
    interpret(
      { modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: out, backend: 'wasm', cacheDir: null, params: { batchSize: 4 } },
      { signal: controller.signal, onProgress: (e) => e.stage === 'features' && e.done >= 8 && controller.abort() },
    ),
    (error) => isVebiError(error) && error.code === 'CANCELLED',
  );
  assert.deepEqual(await siblingsOf(out), []);
});

test('cancelling while visuals are written leaves no partial folder and keeps an older report intact', async () => {
  const out = path.join(fixture.root, 'report-keep');
  await fs.cp(first.outDir, out, { recursive: true });
  const controller = new AbortController();
  await assert.rejects(
    interpret(
      { modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: out, backend: 'wasm', cacheDir: null, params: { topK: 3 } },
      { signal: controller.signal, onProgress: (e) => e.stage === 'interpret' && e.done >= 1 && controller.abort() },
    ),
    (error) => isVebiError(error) && error.code === 'CANCELLED',
  );
  assert.deepEqual(await siblingsOf(out), ['report-keep']);
  assert.equal(JSON.parse(await fs.readFile(path.join(out, 'report.json'), 'utf8')).cacheKey, first.report.cacheKey);
});
