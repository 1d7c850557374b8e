/**
 * `evaluateLocalization` end to end on the really trained fixture model (bright squares at
 * class-specific places): images + masks written here in the generator's layout, every method,
 * figures checked against a direct computation, masks resized by nearest-neighbour, skipped
 * files, the Markdown table, cancellation and tensor release.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { interpret, loadModel } from '../../src/engine';
import { decodeImage, preprocess } from '../../src/engine/data';
import type { InterpretResult } from '../../src/engine';
import { runEval } from '../../src/cli/commands/eval';
import { evaluateLocalization } from '../../src/engine/evaluate/localization';
import type { LocalizationResult } from '../../src/engine/evaluate/localization';
import { loadMaskedImage, scanMaskedDataset } from '../../src/engine/evaluate/localization-data';
import { summarizeMethod } from '../../src/engine/evaluate/localization-summary';
import { IOU_THRESHOLDS, iouOverThresholds } from '../../src/engine/evaluate/metrics';
import { explanationMethod } from '../../src/engine/explain/methods';
import { writePng } from '../../src/engine/image';
import { saveLayersModel } from '../../src/engine/model/save-layers-model';
import { seedWeights } from '../helpers/tiny-models';
import { EXPLANATION_METHODS } from '../../src/shared/params';
import { isVebiError } from '../../src/shared/errors';
import type { VebiErrorCode } from '../../src/shared/errors';
import type { LocalizationReport } from '../../src/shared/evaluation';
import { useBackend } from '../helpers/backend';
import { makeImageFolder, squarePosition } from '../helpers/make-image-folder';
import { trainedFixture, FIXTURE_SIZE } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

const S = FIXTURE_SIZE;
let fixture: TrainedFixture;
let interpretation: InterpretResult;
let scratch: string;
let masked: string;
let result: LocalizationResult;
let baseline: number;

const code = (expected: VebiErrorCode) => (error: unknown) => isVebiError(error) && error.code === expected;

/** The square of class `label` as a 0/255 mask, at `scale` times the model's input size. */
function squareMask(label: number, scale = 1): Uint8Array {
  const { top, left, side } = squarePosition(label, 3, S, S);
  const n = S * scale;
  const px = new Uint8Array(n * n);
  for (let y = top * scale; y < (top + side) * scale; y++) for (let x = left * scale; x < (left + side) * scale; x++) px[y * n + x] = 255;
  return px;
}

/** DIR/images/<class>/img-*.png (the fixture's drawing, other seeds) and DIR/masks/<class>/img-*.png. */
async function writeMaskedDataset(dir: string, perClass: number): Promise<void> {
  const folder = await makeImageFolder(path.join(dir, 'images'), { classes: 3, perClass, size: S, channels: 3, seed: 11 });
  for (const file of folder.files) {
    const rel = path.relative(folder.root, file.path);
    await fs.mkdir(path.dirname(path.join(dir, 'masks', rel)), { recursive: true });
    // One mask at twice the size: it must come back identical after the nearest-neighbour resize.
    const big = file === folder.files[1];
    await writePng(path.join(dir, 'masks', rel), squareMask(file.label, big ? 2 : 1), S * (big ? 2 : 1), S * (big ? 2 : 1), 1);
  }
  await fs.writeFile(path.join(dir, 'dataset.json'), JSON.stringify({ generator: { name: 'vebi-flowers', version: 1 }, variant: 'single-6c' }));
}

before(async () => {
  await useBackend('wasm');
  fixture = await trainedFixture();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-localization-'));
  interpretation = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(scratch, 'report'), backend: 'wasm', cacheDir: null, params: { topK: 2, mu: 5 } });
  masked = path.join(scratch, 'masked');
  await writeMaskedDataset(masked, 3);
  baseline = tf.memory().numTensors;
  result = await evaluateLocalization({ modelPath: fixture.modelPath, dataDir: masked, reportDir: interpretation.outDir, outDir: path.join(scratch, 'loc'), maxPerClass: 2, backend: 'wasm' });
});

after(() => fs.rm(scratch, { recursive: true, force: true }));

test('localization: every method, figures in range, accuracy, and no tensor left behind', () => {
  const s = result.summary;
  assert.equal(tf.memory().numTensors, baseline);
  assert.equal(s.kind, 'localization');
  assert.deepEqual(s.methods.map((m) => m.name), EXPLANATION_METHODS.map((m) => m.name));
  assert.equal(s.images.length, 6, 'two images per class');
  assert.deepEqual(s.params.thresholds, [...IOU_THRESHOLDS]);
  assert.equal(s.params.target, 'ground-truth');
  assert.equal(s.data.variant, 'single-6c');
  assert.equal(s.accuracy, s.images.filter((im) => im.predicted === im.label).length / 6);
  assert.equal(s.accuracy, 1, 'the fixture model knows its squares');
  for (const m of s.methods) {
    assert.equal(m.error, undefined, `${m.name}: ${m.error}`);
    assert.ok(m.meanIoU !== null && m.meanIoU >= 0 && m.meanIoU <= 1, `${m.name} mean IoU ${m.meanIoU}`);
    assert.ok(m.stdIoU !== null && m.stdIoU >= 0);
    assert.equal(m.perThreshold.length, 19);
    assert.ok(m.best && IOU_THRESHOLDS.includes(m.best.threshold) && m.best.iou === Math.max(...(m.perThreshold as number[])));
    assert.ok(m.msPerImage !== null && m.msPerImage > 0);
    assert.equal(m.byPrediction.wrong, null, 'no image is misclassified');
  }
  for (const im of s.images) {
    assert.equal(im.meanIoU.length, s.methods.length);
    const { side } = squarePosition(im.label, 3, S, S);
    assert.equal(im.maskFraction, (side * side) / (S * S));
  }
});

test('localization: an image IoU equals the IoU of the method run directly on it (ground-truth class)', async () => {
  const model = await loadModel(fixture.modelPath);
  try {
    const s = result.summary;
    for (const name of ['gradient', 'gradcam']) {
      const k = s.methods.findIndex((m) => m.name === name);
      for (const im of s.images.slice(0, 2)) {
        const file = path.join(masked, 'images', im.image);
        const input = preprocess(await decodeImage(file, { height: S, width: S, channels: 3 }), 3, { kind: 'unit' });
        const heatmap = explanationMethod(name).explain(model, input, { classIndex: im.label }).heatmap;
        const mask = squareMask(im.label).map((v) => (v ? 1 : 0));
        assert.equal(im.meanIoU[k], iouOverThresholds(heatmap, mask).mean, `${name} on ${im.image}`);
      }
    }
  } finally {
    model.dispose();
  }
});

test('localization: files written; JSON on disk is the summary; the Markdown table is in the paper layout', async () => {
  assert.deepEqual((await fs.readdir(result.outDir)).sort(), ['localization.json', 'localization.md', 'vebi-output.json']);
  const json = JSON.parse(await fs.readFile(path.join(result.outDir, 'localization.json'), 'utf8')) as LocalizationReport;
  assert.deepEqual(json, JSON.parse(JSON.stringify(result.summary)));
  const md = await fs.readFile(path.join(result.outDir, 'localization.md'), 'utf8');
  assert.match(md, /\| method \| IoU \(%\) \|/);
  assert.match(md, /paper single-6c/);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| method') && !l.startsWith('| ---'));
  assert.equal(rows.length, 11);
  assert.match(rows[0], /^\| Upsampled activations \|/, 'the paper order: upsampled activations first');
  assert.match(rows[7], /^\| VEBI \| .* \| 22\.5 ± 0\.82 \|$/, 'VEBI last of the paper methods, with the talk figure');
});

test('masks: a mask at twice the size is resized with nearest-neighbour to the exact square', async () => {
  const data = await scanMaskedDataset(masked, ['0', '1', '2']);
  const item = data.items[1];
  const loaded = await loadMaskedImage(item, { height: S, width: S, channels: 3 }, { kind: 'unit' });
  assert.deepEqual([...loaded.mask], [...squareMask(item.label)].map((v) => (v ? 1 : 0)));
});

test('localization: a missing mask and an empty mask are skipped and listed; the predicted-class target', async () => {
  const dir = path.join(scratch, 'masked-gaps');
  await writeMaskedDataset(dir, 2);
  await fs.rm(path.join(dir, 'masks', '0', 'img-0000.png'));
  await writePng(path.join(dir, 'masks', '1', 'img-0001.png'), new Uint8Array(S * S), S, S, 1);
  const { summary } = await evaluateLocalization({ modelPath: fixture.modelPath, dataDir: dir, reportDir: interpretation.outDir, outDir: path.join(scratch, 'loc-gaps'), methods: ['gradient'], target: 'predicted' });
  assert.equal(summary.images.length, 4);
  assert.equal(summary.data.skipped.length, 2);
  assert.match(summary.data.skipped.map((s) => s.reason).join('\n'), /does not exist[\s\S]*mask is empty|mask is empty[\s\S]*does not exist/);
  assert.equal(summary.params.target, 'predicted');
  assert.deepEqual(summary.methods.map((m) => m.name), ['gradient']);
  assert.match(summary.warnings.join('\n'), /2 image\(s\) skipped/);
  await assert.rejects(
    evaluateLocalization({ modelPath: fixture.modelPath, dataDir: dir, reportDir: interpretation.outDir, outDir: path.join(scratch, 'loc-fail'), methods: ['gradient'], onBadFile: 'fail' }),
    code('IMAGE_UNREADABLE'),
  );
});

test('localization: bad arguments and layouts are refused with their codes', async () => {
  const base = { modelPath: fixture.modelPath, dataDir: masked, reportDir: interpretation.outDir, outDir: path.join(scratch, 'loc-bad') };
  await assert.rejects(evaluateLocalization({ ...base, methods: ['nope'] }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateLocalization({ ...base, methods: ['gradient', 'gradient'] }), code('BAD_ARGUMENT'));
  await assert.rejects(evaluateLocalization({ ...base, dataDir: path.join(masked, 'images') }), code('DATA_NOT_FOUND'));
  await assert.rejects(evaluateLocalization({ ...base, reportDir: path.join(scratch, 'nowhere') }), code('REPORT_NOT_FOUND'));
  await assert.rejects(evaluateLocalization({ ...base, maxPerClass: 0 }), code('BAD_ARGUMENT'));
  await assert.rejects(fs.stat(base.outDir));
});

test('localization: cancelling while explaining rejects with CANCELLED and writes nothing', async () => {
  const controller = new AbortController();
  const before = tf.memory().numTensors;
  await assert.rejects(
    evaluateLocalization(
      { modelPath: fixture.modelPath, dataDir: masked, reportDir: interpretation.outDir, outDir: path.join(scratch, 'loc-cancelled'), methods: ['gradient', 'vebi'] },
      { signal: controller.signal, onProgress: (e) => e.stage === 'evaluate' && e.done >= 1 && controller.abort() },
    ),
    code('CANCELLED'),
  );
  assert.deepEqual((await fs.readdir(scratch)).filter((n) => n.includes('loc-cancelled')), []);
  assert.equal(tf.memory().numTensors, before);
});

test('summary: mean and sample std over images, one best threshold for the dataset, split by prediction', () => {
  // Two thresholds, three images: per-image means 0.5, 0.25, 0.75 -> mean 0.5, std 0.25.
  const run = { name: 'x', displayName: 'X', perImage: [[0.6, 0.4], [0.5, 0], null, [0.7, 0.8]], ms: 30, settings: {} };
  const r = summarizeMethod(run, [0.3, 0.6], [true, false, true, true]);
  assert.equal(r.meanIoU, 0.5);
  assert.ok(Math.abs((r.stdIoU as number) - 0.25) < 1e-12);
  assert.deepEqual(r.perThreshold.map((v) => Math.round((v as number) * 1e12) / 1e12), [0.6, 0.4]);
  assert.deepEqual(r.best, { threshold: 0.3, iou: r.perThreshold[0] });
  assert.equal(r.byPrediction.correct, 0.625); // images 0 and 3: (0.5 + 0.75) / 2
  assert.equal(r.byPrediction.wrong, 0.25);
  assert.equal(r.msPerImage, 10);
  const failed = summarizeMethod({ ...run, error: 'no spatial layer' }, [0.3, 0.6], [true, false, true, true]);
  assert.equal(failed.meanIoU, null);
  assert.equal(failed.error, 'no spatial layer');
});

/** The real `vebi` command in a child process (stdout belongs to the test runner here). */
function vebi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/index.ts'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('CLI: vebi eval localization prints a short table; an unrelated output folder is not replaced', async () => {
  const out = path.join(scratch, 'loc-cli');
  const args = ['eval', 'localization', '--model', fixture.modelPath, '--data', masked, '--report', interpretation.outDir, '--out', out, '--methods', 'gradient,gradcam', '--max-per-class', '1', '--backend', 'wasm'];
  const ok = await vebi(args);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Localization of 2 method\(s\) on 3 images \(model accuracy 100\.0%\), explaining the ground-truth class/);
  assert.match(ok.stdout, /Gradient +\d+\.\d ± \d+\.\d +\d+\.\d at 0\.\d\d/);
  assert.match(ok.stdout, /Wrote .*localization\.json, localization\.md/);
  // Over a folder holding other files: refused (usage error), the folder kept.
  await fs.writeFile(path.join(scratch, 'unrelated.txt'), 'keep me');
  const refused = await vebi([...args.slice(0, -8), '--out', scratch]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /VEBI did not write|holds an input/);
  assert.equal(await fs.readFile(path.join(scratch, 'unrelated.txt'), 'utf8'), 'keep me');
  await assert.rejects(runEval(['localization', '--model', fixture.modelPath], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
  await assert.rejects(runEval([...args.slice(1), '--target', 'both'], new AbortController().signal, undefined), code('BAD_ARGUMENT'));
});

test('localization: a method the model cannot run is reported, not fatal (Grad-CAM without a spatial layer)', async () => {
  const net = tf.sequential();
  net.add(tf.layers.flatten({ name: 'flat', inputShape: [S, S, 3] }));
  net.add(tf.layers.dense({ name: 'hidden', units: 8, activation: 'relu' }));
  net.add(tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }));
  seedWeights(net, 4);
  const modelPath = await saveLayersModel(net, path.join(scratch, 'dense-model'));
  net.dispose();
  const report = await interpret({ modelPath, dataDir: fixture.dataDir, outDir: path.join(scratch, 'dense-report'), backend: 'wasm', cacheDir: null, params: { topK: 1, mu: 5 } });
  const { summary, outDir } = await evaluateLocalization({ modelPath, dataDir: masked, reportDir: report.outDir, outDir: path.join(scratch, 'loc-dense'), methods: ['gradcam', 'gradient'], maxPerClass: 1 });
  const [cam, gradient] = summary.methods;
  assert.match(cam.error ?? '', /spatial/);
  assert.equal(cam.meanIoU, null);
  assert.ok(summary.images.every((im) => im.meanIoU[0] === null && im.meanIoU[1] !== null));
  assert.equal(gradient.error, undefined);
  assert.match(summary.warnings.join('\n'), /Grad-CAM could not run/);
  assert.match(await fs.readFile(path.join(outDir, 'localization.md'), 'utf8'), /\| Grad-CAM \| failed: /);
});
