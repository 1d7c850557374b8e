/**
 * A real PyTorch CNN trained on real MNIST (and one on the flowers benchmark), exported with
 * torch.onnx.export and taken through every part of the method from the `vebi` command line:
 * interpret, explain (VEBI and baselines), eval ablation, sanity, compare and localization.
 * test/helpers/train_pytorch_classifiers.py trains them with Debian's python3-torch; without
 * torch/onnx the tests skip, saying why.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { exportMnist } from '../../scripts/export-mnist';
import { mnistDataDir } from '../../scripts/mnist';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/index.ts');
const PYTHON = '/usr/bin/python3';
const TRAIN = path.join(ROOT, 'test/helpers/train_pytorch_classifiers.py');

function torchSkip(): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return false;
  } catch {
    return `${PYTHON} lacks torch/onnx (apt-get install python3-torch python3-onnx): the PyTorch-trained ONNX CLI tests are skipped`;
  }
}

/** training.json, written by train_pytorch_classifiers.py. */
interface Training {
  trainImages: number;
  trainCpuSeconds: number;
  trainAccuracy: number;
  testImages?: number;
  testAccuracy?: number;
  check?: { perClass: number; images: number; accuracy: number };
  classes: string[];
  modules: string[];
  preprocessing: { kind: string; mean: number[]; std: number[] };
  exports: { file: string; opset: number; constantFolding: boolean; dynamicBatch: boolean; inputName: string }[];
}

interface Feature {
  layer: string;
  channel: number;
}

interface Report {
  model: { format: string; layers: { name: string; isFeature: boolean }[] };
  data: { accuracy: number; numImages: number };
  params: { preprocessing: unknown };
  classes: { name: string; relevant: Feature[] }[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

let root = '';

function vebi(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, XDG_CACHE_HOME: path.join(root, 'xdg') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

/** Runs the CLI, fails with its stderr unless it exits 0, and returns its --json output. */
async function vebiJson<T>(args: string[]): Promise<T> {
  const run = await vebi([...args, '--json']);
  assert.equal(run.code, 0, `vebi ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  console.log(`vebi ${args.slice(0, 2).join(' ')}: ${run.seconds.toFixed(1)} s`);
  return JSON.parse(run.stdout) as T;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

async function train(args: string[]): Promise<Training> {
  const started = performance.now();
  await promisify(execFile)(PYTHON, [TRAIN, ...args], { maxBuffer: 16 << 20 });
  const training = await readJson<Training>(path.join(args[2], 'training.json'));
  console.log(`train_pytorch_classifiers.py ${args[0]}: ${((performance.now() - started) / 1000).toFixed(1)} s, training ${training.trainCpuSeconds} s CPU, ` +
    `train accuracy ${training.trainAccuracy.toFixed(4)}, test accuracy ${training.testAccuracy?.toFixed(4)}`);
  return training;
}

/** The spread of a PNG's pixel values (0 for a flat image). */
async function pixelRange(file: string): Promise<number> {
  const stats = await sharp(file).stats();
  return Math.max(...stats.channels.map((c) => c.max - c.min));
}

const skip = torchSkip();
if (skip) console.log(`# SKIP ${skip}`);

describe('a PyTorch CNN trained on real MNIST, through the vebi CLI as an ONNX file', { skip, timeout: 8 * 60_000 }, () => {
  let mnist: Training;
  let trainPng: string;
  let testPng: string;
  let modelDir: string;
  const model = (i: number) => path.join(modelDir, mnist.exports[i].file);
  const reportDir = (i: number) => path.join(root, `report-${i}`);
  /** A test digit: MNIST's first test image is a 7. */
  let seven: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'vebi-onnx-trained-'));
    trainPng = path.join(root, 'mnist-train');
    testPng = path.join(root, 'mnist-test');
    modelDir = path.join(root, 'mnist-model');
    // 100 training digits per class to interpret on (the torch script measures its own accuracy on the same ones), 30 test digits per class.
    await exportMnist({ split: 'train', out: trainPng, perClass: 100 });
    await exportMnist({ split: 'test', out: testPng, perClass: 30 });
    seven = path.join(testPng, '7', 'test-00000.png');
    mnist = await train(['mnist', mnistDataDir(), modelDir, '--check-per-class', '100']);
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  test('the net is trained for real: >= 95 % on the 10,000 test digits, exported at opset 11 folded and opset 13 unfolded', async () => {
    assert.equal(mnist.testImages, 10_000);
    assert.ok((mnist.testAccuracy ?? 0) >= 0.95, `test accuracy ${mnist.testAccuracy}`);
    assert.deepEqual(mnist.exports.map((e) => [e.opset, e.constantFolding, e.dynamicBatch, e.inputName]), [[11, true, true, 'input'], [13, false, true, 'input']]);
    for (const e of mnist.exports) assert.ok(existsSync(path.join(modelDir, e.file)), e.file);
    const sidecar = await readJson<{ preprocessing: Training['preprocessing'] }>(path.join(modelDir, 'vebi.json'));
    assert.deepEqual(sidecar.preprocessing, mnist.preprocessing);
  });

  test('interpret: both exports, read with their vebi.json, agree with PyTorch and find relevant features in PyTorch module paths', async () => {
    const check = mnist.check;
    assert.ok(check && check.images === 1000);
    const runs: Report[] = [];
    for (const i of [0, 1]) {
      const run = await vebi(['interpret', '--model', model(i), '--data', trainPng, '--out', reportDir(i), '--top-k', '8']);
      assert.equal(run.code, 0, run.stderr);
      console.log(`interpret ${mnist.exports[i].file}: ${run.seconds.toFixed(1)} s`);
      assert.ok(existsSync(path.join(reportDir(i), 'report.json')));
      const report = await readJson<Report>(path.join(reportDir(i), 'report.json'));
      assert.equal(report.model.format, 'onnx');
      // The normalisation the net was trained with came from vebi.json: no --preprocessing was given.
      assert.deepEqual(report.params.preprocessing, { kind: 'meanstd', mean: [0.1307], std: [0.3081], scale: 'unit' });
      assert.equal(report.data.numImages, 1000);
      assert.ok(report.data.accuracy >= 0.9, `training accuracy in the report ${report.data.accuracy}`);
      // The same 1000 images through PyTorch: the converted net predicts as the original (one image of slack for float rounding).
      assert.ok(Math.abs(report.data.accuracy - check.accuracy) <= 0.001 + 1e-9, `vebi ${report.data.accuracy} vs PyTorch ${check.accuracy}`);
      const modules = new Set(mnist.modules);
      for (const layer of report.model.layers.filter((l) => l.isFeature)) assert.ok(modules.has(layer.name), `feature layer ${layer.name} is not a module of the net (${mnist.modules.join(', ')})`);
      assert.deepEqual(report.classes.map((c) => c.name), mnist.classes);
      for (const c of report.classes) {
        assert.ok(c.relevant.length > 0, `class ${c.name} has relevant features`);
        for (const f of c.relevant) assert.ok(modules.has(f.layer), `class ${c.name}: relevant feature in ${f.layer}`);
      }
      runs.push(report);
    }
    // Folded or not, opset 11 or 13: the same net, the same relevant features.
    const relevant = (r: Report) => r.classes.map((c) => c.relevant.map((f) => `${f.layer}:${f.channel}`).sort().join(' '));
    assert.deepEqual(relevant(runs[0]), relevant(runs[1]));
    assert.equal(runs[0].data.accuracy, runs[1].data.accuracy);
  });

  test('explain a test digit with VEBI, guided backprop and Grad-CAM', async () => {
    const modules = new Set(mnist.modules);
    for (const method of ['vebi', 'guided-backprop', 'gradcam']) {
      const out = path.join(root, `explain-${method}`);
      const run = await vebi(['explain', '--model', model(1), '--image', seven, '--report', reportDir(1), '--out', out, '--method', method]);
      assert.equal(run.code, 0, run.stderr);
      console.log(`explain --method ${method}: ${run.seconds.toFixed(1)} s`);
      const explanation = await readJson<{ params: { method: string }; prediction: { className: string }; features: (Feature & { heatmap: string })[]; combined: { heatmap: string; overlay: string } }>(
        path.join(out, 'explanation.json'),
      );
      assert.equal(explanation.params.method, method);
      assert.equal(explanation.prediction.className, '7');
      assert.match(run.stdout, /Prediction: 7 \(/);
      for (const png of [explanation.combined.heatmap, explanation.combined.overlay]) assert.ok(existsSync(path.join(out, png)), `${method}: ${png}`);
      assert.ok((await pixelRange(path.join(out, explanation.combined.heatmap))) > 50, `${method}: the heatmap is not flat`);
      if (method === 'vebi') {
        assert.ok(explanation.features.length > 0);
        for (const f of explanation.features) {
          assert.ok(modules.has(f.layer), f.layer);
          assert.ok(existsSync(path.join(out, f.heatmap)));
        }
      } else {
        assert.equal(explanation.features.length, 0);
      }
    }
  });

  test('eval ablation: zeroing the relevant features hurts the class more than zeroing random ones', async () => {
    type Point = { n: number | 'all'; relevant: { class: number; others: number }; random: { class: { mean: number } } };
    const result = await vebiJson<{ outDir: string; baselineAccuracy: number; average: { points: Point[] } }>(
      ['eval', 'ablation', '--model', model(1), '--data', testPng, '--report', reportDir(1), '--out', path.join(root, 'ablation'), '--counts', '1,4,all', '--draws', '5'],
    );
    const all = result.average.points.find((p) => p.n === 'all');
    assert.ok(all);
    console.log(`ablation: intact ${result.baselineAccuracy.toFixed(3)}, all relevant zeroed ${all.relevant.class.toFixed(3)} on the class (others ${all.relevant.others.toFixed(3)}), as many random zeroed ${all.random.class.mean.toFixed(3)}`);
    assert.ok(result.baselineAccuracy >= 0.9, `accuracy on 300 test digits ${result.baselineAccuracy}`);
    assert.ok(all.relevant.class < all.random.class.mean - 0.05, `relevant ${all.relevant.class} vs random ${all.random.class.mean}`);
    assert.ok(all.relevant.class < all.relevant.others, 'the ablated class loses more than the other classes');
    for (const file of ['ablation.json', 'ablation.md', 'ablation.png']) assert.ok(existsSync(path.join(result.outDir, file)), file);
  });

  test('eval sanity: randomising the layers from the top destroys the accuracy and changes the explanations', async () => {
    type Step = { layer: string | null; randomized: string[]; accuracy: number };
    type Method = { name: string; spearman: { mean: number }[]; ssim: { mean: number }[] };
    const result = await vebiJson<{ steps: Step[]; methods: Method[] }>(
      ['eval', 'sanity', '--model', model(1), '--data', trainPng, '--images', testPng, '--out', path.join(root, 'sanity'), '--methods', 'vebi,gradcam,guided-backprop', '--num-images', '4', '--max-per-class', '30'],
    );
    const last = result.steps[result.steps.length - 1];
    console.log(`sanity: accuracy ${result.steps.map((s) => `${s.layer ?? 'original'} ${s.accuracy.toFixed(2)}`).join(', ')}; ` +
      `Spearman with the original after the last step: ${result.methods.map((m) => `${m.name} ${m.spearman[m.spearman.length - 1].mean.toFixed(2)}`).join(', ')}`);
    assert.ok(result.steps[0].accuracy >= 0.9);
    assert.deepEqual(last.randomized, ['fc2', 'fc1', 'conv2', 'conv1'], 'the layers with weights, top down, by their module paths');
    assert.ok(last.accuracy < 0.3, `a randomised net is near chance: ${last.accuracy}`);
    assert.deepEqual(result.methods.map((m) => m.name), ['vebi', 'gradcam', 'guided-backprop']);
    for (const m of result.methods) {
      assert.equal(m.spearman[0].mean, 1, `${m.name}: the original model against itself`);
      const end = m.spearman[m.spearman.length - 1].mean;
      assert.ok(end < 0.85, `${m.name}: the explanation of the randomised net still ranks the pixels like the original's (Spearman ${end})`);
    }
  });

  test('eval compare: every method on one test digit, for the predicted class', async () => {
    const out = path.join(root, 'compare');
    const result = await vebiJson<{ prediction: { className: string }; explained: { className: string }; methods: { name: string; heatmap: string; overlay: string }[] }>(
      ['eval', 'compare', '--model', model(0), '--image', seven, '--report', reportDir(0), '--out', out],
    );
    assert.equal(result.prediction.className, '7');
    assert.equal(result.explained.className, '7');
    assert.equal(result.methods.length, 11);
    for (const m of result.methods) {
      assert.ok(existsSync(path.join(out, m.heatmap)) && existsSync(path.join(out, m.overlay)), m.name);
    }
    // Different methods give different maps: the heatmap files are not all the same bytes.
    const bytes = await Promise.all(result.methods.map((m) => fs.readFile(path.join(out, m.heatmap), 'base64')));
    assert.ok(new Set(bytes).size >= 8, `${new Set(bytes).size} distinct heatmaps of ${bytes.length}`);
  });

  test('eval localization: a CNN trained on the flowers benchmark, IoU with the ground-truth masks for every method', async () => {
    const flowers = path.join(root, 'flowers-train');
    const heldOut = path.join(root, 'flowers-test');
    for (const [out, perClass, seed] of [[flowers, '40', '0'], [heldOut, '10', '1']]) {
      const made = await vebi(['dataset', 'flowers', '--out', out, '--variant', 'single-6c', '--per-class', perClass, '--size', '32', '--seed', seed]);
      assert.equal(made.code, 0, made.stderr);
    }
    const netDir = path.join(root, 'flowers-model');
    const net = await train(['folder', path.join(flowers, 'images'), netDir, '--test', path.join(heldOut, 'images'), '--exports', 'opset13-unfolded', '--epochs', '20']);
    assert.ok(net.trainAccuracy >= 0.9, `flowers train accuracy ${net.trainAccuracy}`);
    const onnxFile = path.join(netDir, 'classifier.onnx');
    const report = path.join(root, 'flowers-report');
    const interpreted = await vebi(['interpret', '--model', onnxFile, '--data', path.join(flowers, 'images'), '--out', report, '--top-k', '8']);
    assert.equal(interpreted.code, 0, interpreted.stderr);
    const modules = new Set(net.modules);
    for (const c of (await readJson<Report>(path.join(report, 'report.json'))).classes) {
      assert.ok(c.relevant.length > 0 && c.relevant.every((f) => modules.has(f.layer)), `${c.name}: ${c.relevant.map((f) => f.layer).join(', ')}`);
    }

    type Method = { name: string; meanIoU: number; best: { iou: number } };
    const result = await vebiJson<{ accuracy: number; methods: Method[] }>(['eval', 'localization', '--model', onnxFile, '--data', heldOut, '--report', report, '--out', path.join(root, 'localization')]);
    console.log(`localization on ${net.testImages} held-out flowers: accuracy ${result.accuracy.toFixed(3)} (PyTorch ${net.testAccuracy?.toFixed(3)}); mean IoU ` +
      result.methods.map((m) => `${m.name} ${m.meanIoU.toFixed(3)}`).join(', '));
    // The held-out images through the CLI and through PyTorch: the same predictions (one image of slack).
    assert.ok(Math.abs(result.accuracy - (net.testAccuracy ?? -1)) <= 1 / 60 + 1e-9, `vebi ${result.accuracy} vs PyTorch ${net.testAccuracy}`);
    assert.equal(result.methods.length, 11);
    for (const m of result.methods) {
      assert.ok(Number.isFinite(m.meanIoU) && m.meanIoU >= 0 && m.meanIoU <= 1, `${m.name}: mean IoU ${m.meanIoU}`);
      assert.ok(m.best.iou >= m.meanIoU - 1e-9, m.name);
    }
    // The petals decide the class: VEBI's heatmaps overlap them.
    assert.ok((result.methods.find((m) => m.name === 'vebi')?.meanIoU ?? 0) > 0.05);
  });
});
