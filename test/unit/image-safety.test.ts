/**
 * Images are untrusted input: every way one file can fail is skipped and listed with its path in
 * skip mode and stops the run naming it in fail mode, without hanging (FIFOs, /dev/zero); decodes
 * in flight are bounded by pixels; non-finite activations stop the run with NON_FINITE.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { DecodeBudget, decodeImage, decodeImageOriginal, imageBatches, scanDataset } from '../../src/engine/data';
import type { DatasetItem, ImageBatch, ImageFileErrorCode } from '../../src/engine/data';
import { computeExplanation } from '../../src/engine/explain/compute-explanation';
import type { ExplanationWeights } from '../../src/engine/explain/compute-explanation';
import { explanationMethod } from '../../src/engine/explain/methods';
import { extractFeatures } from '../../src/engine/features/extract-features';
import { renderFeatureVisual } from '../../src/engine/interpret/feature-visual';
import { ImageSource } from '../../src/engine/interpret/image-source';
import { encodePng, writePng } from '../../src/engine/image';
import { loadModel, saveLayersModel } from '../../src/engine/model';
import type { VebiModel } from '../../src/engine/model';
import { rejectsWith as rejectsWithHelper } from '../helpers/rejects-with';
import type { Preprocessing } from '../../src/shared/params';
import { useBackend } from '../helpers/backend';
import { makeImageFolder } from '../helpers/make-image-folder';
import { seededRandom } from '../helpers/seeded-random';
import { writeTinyModel } from '../helpers/tiny-models';

const isRoot = process.getuid?.() === 0;
const noFifo = process.platform === 'win32' && 'no FIFOs on Windows';

let tmp: string;
before(async () => {
  await useBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-image-safety-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function rejectsWith(run: () => Promise<unknown>, code: string, where?: string): Promise<Error> {
  return rejectsWithHelper(run, code, where, { messageNamesPath: true });
}

async function collect<T extends { path: string }>(gen: AsyncGenerator<ImageBatch<T>>): Promise<ImageBatch<T>[]> {
  const out: ImageBatch<T>[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

function noise(n: number): Uint8Array {
  const rng = seededRandom(5);
  return Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
}

/** A PNG signature and an IHDR claiming 20000 x 20000: refused from the header alone. */
function oversizedHeader(): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).copy(header);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(20000, 16);
  header.writeUInt32BE(20000, 20);
  header[24] = 8;
  header[25] = 2;
  return header;
}

interface BadKind {
  name: string;
  code: ImageFileErrorCode;
  reason: RegExp;
  /** Before the scan: creates a bad file in `dir` and returns its name. After: spoils the scanned file `file`. */
  before?: (dir: string) => Promise<string>;
  after?: (file: string) => Promise<void>;
  skip?: string | false;
}

const GOOD_PNG = encodePng(new Uint8Array(4 * 4).fill(200), 4, 4, 1);

const BAD_KINDS: BadKind[] = [
  { name: 'empty file', code: 'IMAGE_UNREADABLE', reason: /empty \(0 bytes\)/, before: async (dir) => write(dir, 'empty.png', '') },
  { name: 'not an image', code: 'IMAGE_UNREADABLE', reason: /not an image/, before: async (dir) => write(dir, 'text.png', 'this is not an image') },
  { name: 'truncated PNG', code: 'IMAGE_UNREADABLE', reason: /truncated or corrupt/, before: async (dir) => write(dir, 'cut.png', (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png({ compressionLevel: 0 }).toBuffer()).subarray(0, 2000)) },
  { name: 'truncated JPEG', code: 'IMAGE_UNREADABLE', reason: /truncated or corrupt/, before: async (dir) => write(dir, 'cut.jpg', (await sharp(noise(64 * 64 * 3), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer()).subarray(0, 1500)) },
  { name: 'oversized header', code: 'IMAGE_TOO_LARGE', reason: /20000 x 20000/, before: async (dir) => write(dir, 'huge.png', oversizedHeader()) },
  { name: 'folder named x.png', code: 'IMAGE_UNREADABLE', reason: /is a folder/, before: async (dir) => {
    await fs.mkdir(path.join(dir, 'folder.png'));
    return 'folder.png';
  } },
  { name: 'dangling symlink', code: 'IMAGE_UNREADABLE', reason: /does not exist/, skip: process.platform === 'win32' && 'symlinks need privileges', before: async (dir) => {
    await fs.symlink(path.join(dir, 'nowhere.png'), path.join(dir, 'dangling.png'));
    return 'dangling.png';
  } },
  { name: 'symlink to /dev/zero', code: 'IMAGE_UNREADABLE', reason: /character device/, skip: process.platform === 'win32' && 'no /dev/zero', before: async (dir) => {
    await fs.symlink('/dev/zero', path.join(dir, 'zero.png'));
    return 'zero.png';
  } },
  { name: 'FIFO at scan time', code: 'IMAGE_UNREADABLE', reason: /FIFO/, skip: noFifo, before: async (dir) => {
    mkfifo(path.join(dir, 'pipe.png'));
    return 'pipe.png';
  } },
  { name: 'name that is not UTF-8', code: 'IMAGE_UNREADABLE', reason: /U\+FFFD/, skip: process.platform !== 'linux' && 'needs byte file names', before: async (dir) => {
    const raw = Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.png')]);
    await fs.writeFile(Buffer.concat([Buffer.from(dir + path.sep), raw]), await GOOD_PNG);
    return raw.toString('utf8'); // what readdir gives back
  } },
  { name: 'newline in the name', code: 'IMAGE_UNREADABLE', reason: /not an image/, skip: process.platform === 'win32' && 'no newlines in names', before: async (dir) => write(dir, 'two\nlines.png', 'garbage') },
  { name: 'vanished after the scan', code: 'IMAGE_UNREADABLE', reason: /does not exist/, after: (file) => fs.unlink(file) },
  { name: 'replaced by a folder', code: 'IMAGE_UNREADABLE', reason: /is a folder/, after: async (file) => {
    await fs.unlink(file);
    await fs.mkdir(file);
  } },
  { name: 'replaced by a FIFO', code: 'IMAGE_UNREADABLE', reason: /FIFO/, skip: noFifo, after: async (file) => {
    await fs.unlink(file);
    mkfifo(file);
  } },
  { name: 'unreadable (chmod 000)', code: 'IMAGE_UNREADABLE', reason: /permission denied/, skip: (isRoot || process.platform === 'win32') && 'root reads any file', after: (file) => fs.chmod(file, 0o000) },
];

async function write(dir: string, name: string, content: string | Uint8Array): Promise<string> {
  await fs.writeFile(path.join(dir, name), content);
  return name;
}

interface BadFolder {
  items: DatasetItem[];
  /** Path of each bad file -> its kind. */
  bad: Map<string, BadKind>;
  good: number;
}

/** 3 classes of 4 x 4 grey images with the given bad kinds among them (and a good file whose name has a newline). */
async function badFolder(name: string, kinds: BadKind[]): Promise<BadFolder> {
  const folder = await makeImageFolder(path.join(tmp, name), { classes: 3, perClass: 4, size: 4, channels: 1 });
  const placed: [string, BadKind][] = [];
  for (const [i, kind] of kinds.entries()) {
    if (kind.before) placed.push([path.join(folder.root, String(i % 3), await kind.before(path.join(folder.root, String(i % 3)))), kind]);
  }
  if (process.platform !== 'win32') await fs.writeFile(path.join(folder.root, '1', 'good\nline.png'), await GOOD_PNG);
  const { items } = await scanDataset(folder.root);
  const spoilable = items.filter((item) => /img-\d+\.png$/.test(item.path));
  for (const [i, kind] of kinds.filter((k) => k.after).entries()) {
    await kind.after?.(spoilable[i * 2].path);
    placed.push([spoilable[i * 2].path, kind]);
  }
  const bad = new Map(placed);
  for (const file of bad.keys()) assert.ok(items.some((item) => item.path === file), `the scan lists ${JSON.stringify(file)}`);
  return { items, bad, good: items.length - bad.size };
}

const activeKinds = BAD_KINDS.filter((kind) => !kind.skip);

describe('bad image files', () => {
  after(() => {
    // chmod 000 files would stop the folder's removal for a non-root user.
    if (process.platform !== 'win32') execFileSync('chmod', ['-R', 'u+rwX', tmp]);
  });

  test('skip: every kind is skipped and listed with its path, code and reason; the good images all arrive', async () => {
    const { items, bad, good } = await badFolder('skip', activeKinds);
    const started = performance.now();
    const batches = await collect(imageBatches(items, { height: 4, width: 4, channels: 1 }, { kind: 'unit' }, { batchSize: 3, onBadFile: 'skip' }));
    assert.ok(performance.now() - started < 5000, 'nothing blocks (FIFOs, /dev/zero)');
    assert.equal(batches.reduce((n, b) => n + b.items.length, 0), good);
    assert.ok(batches.flatMap((b) => b.items).some((item) => item.path.includes('good\nline')) || process.platform === 'win32', 'a newline in a name is no failure');
    const skipped = batches.flatMap((b) => b.skipped);
    assert.deepEqual(skipped.map((s) => s.path).sort(), [...bad.keys()].sort(), 'each bad file is listed once');
    for (const s of skipped) {
      const kind = bad.get(s.path) as BadKind;
      assert.equal(s.code, kind.code, `${kind.name}: ${s.reason}`);
      assert.match(s.reason, kind.reason, kind.name);
      assert.ok(s.reason.includes(s.path), `${kind.name}: the reason names the file`);
    }
  });

  test('skip: a whole feature extraction goes on and lists them', async () => {
    const { items, bad, good } = await badFolder('extract', activeKinds);
    const model = await loadModel(await writeTinyModel(path.join(tmp, 'lenet-extract')));
    try {
      const result = await extractFeatures(model, items, { preprocessing: { kind: 'unit' }, batchSize: 4, topK: 2, l2Normalize: true, onBadFile: 'skip' });
      assert.equal(result.count, good);
      assert.deepEqual(result.skipped.map((s) => s.path).sort(), [...bad.keys()].sort());
    } finally {
      model.dispose();
    }
  });

  test('skip: a class whose every image is bad stops the extraction, naming its folder', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'lost-class'), { classes: 3, perClass: 2, size: 16, channels: 1 });
    await Promise.all(folder.files.filter((f) => f.label === 1).map((f) => fs.writeFile(f.path, 'broken')));
    const { items } = await scanDataset(folder.root);
    const model = await loadModel(await writeTinyModel(path.join(tmp, 'lenet-lost-class')));
    try {
      const e = await rejectsWith(() => extractFeatures(model, items, { preprocessing: { kind: 'unit' }, batchSize: 4, topK: 2, l2Normalize: true, onBadFile: 'skip' }), 'DATA_EMPTY_CLASS', path.join(folder.root, '1'));
      assert.match(e.message, /all 2 were skipped/);
    } finally {
      model.dispose();
    }
  });

  for (const kind of BAD_KINDS) {
    test(`fail: ${kind.name} stops the run with a VebiError naming the file`, { skip: kind.skip }, async () => {
      const { items, bad } = await badFolder(`fail-${kind.name.replace(/\W+/g, '-')}`, [kind]);
      const [file] = bad.keys();
      const started = performance.now();
      await rejectsWith(() => collect(imageBatches(items, { height: 4, width: 4, channels: 1 }, { kind: 'unit' }, { batchSize: 2, onBadFile: 'fail' })), kind.code, file);
      assert.ok(performance.now() - started < 5000);
    });
  }
});

describe('explain reads one image: no hang, no unbounded read', () => {
  test('a FIFO and a symlink to /dev/zero fail at once, naming the file', { skip: noFifo }, async () => {
    const dir = path.join(tmp, 'explain');
    await fs.mkdir(dir, { recursive: true });
    const fifo = path.join(dir, 'pipe.png');
    const zero = path.join(dir, 'zero.png');
    mkfifo(fifo);
    await fs.symlink('/dev/zero', zero);
    for (const [file, why] of [[fifo, /FIFO/], [zero, /character device/]] as const) {
      const started = performance.now();
      const e = await rejectsWith(() => decodeImageOriginal(file, 512), 'IMAGE_UNREADABLE', file);
      assert.match(e.message, why);
      await rejectsWith(() => decodeImage(file, { height: 4, width: 4, channels: 3 }), 'IMAGE_UNREADABLE', file);
      assert.ok(performance.now() - started < 5000, `${file} took ${performance.now() - started} ms`);
    }
  });

  test('an empty file (which sharp refuses by throwing in its constructor) is IMAGE_UNREADABLE naming it', async () => {
    const file = path.join(tmp, 'empty-original.png');
    await fs.writeFile(file, '');
    await rejectsWith(() => decodeImageOriginal(file), 'IMAGE_UNREADABLE', file);
    await rejectsWith(() => decodeImageOriginal(file, 1024, { noFastPath: true }), 'IMAGE_UNREADABLE', file);
  });
});

describe('decode budget', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  function track(promise: Promise<() => void>): { granted: () => boolean; release: () => Promise<void> } {
    let release: (() => void) | undefined;
    void promise.then((r) => (release = r), () => undefined);
    return {
      granted: () => release !== undefined,
      release: async () => {
        (release as () => void)();
        await settle();
      },
    };
  }

  test('small reservations share it; a large one waits for room, first come first served; one over the capacity runs alone', async () => {
    const budget = new DecodeBudget(100);
    const small = [track(budget.reserve(30)), track(budget.reserve(30)), track(budget.reserve(30))];
    await settle();
    assert.ok(small.every((s) => s.granted()));
    assert.deepEqual(budget.usage, { reserved: 90, running: 3 });
    const large = track(budget.reserve(50));
    const later = track(budget.reserve(5)); // would fit, but queues behind the large one
    await settle();
    assert.ok(!large.granted() && !later.granted());
    await small[0].release();
    assert.ok(!large.granted(), '60 + 50 > 100');
    await small[1].release();
    assert.ok(large.granted() && later.granted());
    await Promise.all([small[2].release(), large.release(), later.release()]);
    assert.deepEqual(budget.usage, { reserved: 0, running: 0 });

    const huge = track(budget.reserve(1000));
    await settle();
    assert.ok(huge.granted(), 'alone, even above the capacity');
    const tiny = track(budget.reserve(1));
    await settle();
    assert.ok(!tiny.granted(), 'nothing runs beside an oversized decode');
    await huge.release();
    assert.ok(tiny.granted());
    await tiny.release();
  });

  test('a waiting reservation can be cancelled; the queue goes on', async () => {
    const budget = new DecodeBudget(10);
    const first = track(budget.reserve(10));
    const stop = new AbortController();
    const waiting = budget.reserve(10, stop.signal);
    const next = track(budget.reserve(10));
    stop.abort();
    await rejectsWith(() => waiting, 'CANCELLED');
    await first.release();
    assert.ok(next.granted());
    await next.release();
    assert.deepEqual(budget.usage, { reserved: 0, running: 0 });
  });

  test('imageBatches: with a small budget and large images, at most one decode over the budget runs at a time', async () => {
    class SpyBudget extends DecodeBudget {
      readonly samples: { amount: number; reserved: number; running: number }[] = [];
      override async reserve(amount: number, signal?: AbortSignal): Promise<() => void> {
        const release = await super.reserve(amount, signal);
        this.samples.push({ amount, ...this.usage });
        return release;
      }
    }
    const root = path.join(tmp, 'budget');
    const files: DatasetItem[] = [];
    for (let i = 0; i < 10; i++) {
      const side = i % 2 === 0 ? 300 : 8; // 300 x 300 = 360 kB decoded, above the budget below
      const file = path.join(root, `${i}.png`);
      await writePng(file, new Uint8Array(side * side).fill(i * 20), side, side, 1);
      files.push({ path: file, relPath: `${i}.png`, label: 0 });
    }
    const budget = new SpyBudget(100_000);
    const batches = await collect(imageBatches(files, { height: 8, width: 8, channels: 1 }, { kind: 'unit' }, { batchSize: 4, onBadFile: 'fail', budget }));
    assert.equal(batches.reduce((n, b) => n + b.items.length, 0), 10);
    assert.equal(budget.samples.length, 10, 'every decode reserved once');
    assert.equal(budget.samples.filter((s) => s.amount > budget.capacity).length, 5, 'the large images cost more than the budget');
    for (const s of budget.samples) assert.ok(s.reserved <= budget.capacity || s.running === 1, `over the budget with ${s.running} decodes running`);
    assert.deepEqual(budget.usage, { reserved: 0, running: 0 }, 'every reservation released');
  });
});

describe('the visualisation stage re-reads images', () => {
  let model: VebiModel;
  before(async () => {
    model = await loadModel(await writeTinyModel(path.join(tmp, 'lenet-visual')));
  });
  after(() => model.dispose());

  test('a top image that vanished is left out and reported once; with none left the visual is blank', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'visual'), { classes: 1, perClass: 3, size: 16, channels: 1 });
    const { items } = await scanDataset(folder.root);
    const reported: string[] = [];
    const source = new ImageSource(items, { height: 16, width: 16, channels: 1 }, { kind: 'unit' }, { onSkip: (s) => reported.push(s.path) });
    await fs.unlink(items[1].path);
    const reportDir = path.join(tmp, 'visual-report');
    await fs.mkdir(reportDir, { recursive: true });
    const tensors = tf.memory().numTensors;
    const target = { layer: model.featureLayers[0], channel: 0, fileStem: 'f0' };
    const top = items.map((_, image) => ({ image, response: 3 - image, position: 0 }));
    const visual = await renderFeatureVisual(model, target, top, source, reportDir);
    assert.deepEqual(visual.topImages.map((t) => t.image), [items[0].relPath, items[2].relPath]);
    assert.deepEqual(reported, [items[1].path]);
    assert.equal(await source.load(1), undefined);
    assert.deepEqual(reported, [items[1].path], 'reported once');

    const lost = new ImageSource(items, { height: 16, width: 16, channels: 1 }, { kind: 'unit' });
    await Promise.all([fs.unlink(items[0].path), fs.unlink(items[2].path)]);
    const blank = await renderFeatureVisual(model, { ...target, fileStem: 'f1' }, top, lost, reportDir);
    assert.deepEqual(blank.topImages, []);
    for (const file of [blank.average, blank.strip, blank.guided]) assert.ok((await fs.stat(path.join(reportDir, file))).size > 0);
    assert.equal(tf.memory().numTensors, tensors);
  });
});

describe('non-finite activations', () => {
  /** 4 x 4 x 1 -> conv1 (3x3 mean) -> conv2 (1x1, weight `gain`) -> flatten -> dense softmax. A large gain overflows float32 on bright images only. */
  async function overflowModel(dir: string, gain: number): Promise<VebiModel> {
    const net = tf.sequential({ name: 'overflow' });
    net.add(tf.layers.conv2d({ name: 'conv1', inputShape: [4, 4, 1], filters: 1, kernelSize: 3, padding: 'same' }));
    net.add(tf.layers.conv2d({ name: 'conv2', filters: 1, kernelSize: 1 }));
    net.add(tf.layers.flatten({ name: 'flat' }));
    net.add(tf.layers.dense({ name: 'scores', units: 2, activation: 'softmax' }));
    net.setWeights([
      tf.fill([3, 3, 1, 1], 1 / 9),
      tf.zeros([1]),
      tf.fill([1, 1, 1, 1], gain),
      tf.zeros([1]),
      tf.fill([16, 2], 0.01),
      tf.zeros([2]),
    ]);
    const modelPath = await saveLayersModel(net, dir);
    net.dispose();
    return loadModel(modelPath);
  }

  /** Class 0 black, class 1 white. */
  async function blackAndWhite(name: string): Promise<DatasetItem[]> {
    const folder = await makeImageFolder(path.join(tmp, name), { classes: 2, perClass: 3, size: 4, channels: 1, draw: (label) => new Uint8Array(16).fill(label * 255) });
    return (await scanDataset(folder.root)).items;
  }

  async function extract(model: VebiModel, items: DatasetItem[], preprocessing: Preprocessing, rows: Float32Array[]) {
    return extractFeatures(model, items, { preprocessing, batchSize: 3, topK: 2, l2Normalize: true, onBadFile: 'fail', onVectors: (r) => rows.push(r.slice()) });
  }

  test('extraction: overflow in a later batch -> NON_FINITE naming the first bad layer and the image; no NaN reaches the sink', async () => {
    // White in raw (255) gives conv2 outputs of 2.55e19, whose squares overflow float32; 1.0 in unit gives 1e17, fine.
    const model = await overflowModel(path.join(tmp, 'overflow'), 1e17);
    const items = await blackAndWhite('black-white');
    const tensors = tf.memory().numTensors;
    const rows: Float32Array[] = [];
    const e = await rejectsWith(() => extract(model, items, { kind: 'raw' }, rows), 'NON_FINITE', items[3].path);
    assert.match(e.message, /Layer "conv2"/);
    assert.match(e.message, /preprocessing \(now raw\)/);
    assert.match(e.message, /re-export/);
    assert.equal(rows.length, 1, 'the first (black) batch went to the sink, the second did not');
    assert.ok(rows.every((r) => r.every(Number.isFinite)));
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind after the error');

    const fine = await extract(model, items, { kind: 'unit' }, []);
    assert.equal(fine.count, 6, 'the same model is fine with inputs in 0..1');
    assert.equal(tf.memory().numTensors, tensors);
    model.dispose();
  });

  test('extraction: a tiny meanstd std makes the first layer non-finite in the first batch', async () => {
    const model = await overflowModel(path.join(tmp, 'overflow-meanstd'), 1);
    const items = await blackAndWhite('meanstd');
    const rows: Float32Array[] = [];
    const e = await rejectsWith(() => extract(model, items, { kind: 'meanstd', mean: [-1e30], std: [1e-30], scale: 'raw' }, rows), 'NON_FINITE', items[0].path);
    assert.match(e.message, /Layer "conv1"/);
    assert.equal(rows.length, 0);
    model.dispose();
  });

  test('explanation and baseline methods: NaN probabilities are NON_FINITE, not "NaN%"', async () => {
    const model = await overflowModel(path.join(tmp, 'overflow-explain'), 1e37);
    const weights: ExplanationWeights = {
      nonNegative: new Float32Array([1, 1, 1, 1]),
      signed: new Float32Array([1, -1, -1, 1]),
      peakResponses: new Float32Array([1, 1]),
      numClasses: 2,
      feature: (index) => ({ index, layer: model.featureLayers[index], channel: 0 }),
      l2Normalize: true,
    };
    const white = new Float32Array(16).fill(255);
    const tensors = tf.memory().numTensors;
    const e = await rejectsWith(async () => computeExplanation(model, weights, white, { topFeatures: 2, stridedFix: true }), 'NON_FINITE');
    assert.match(e.message, /Layer "conv2"/);
    await rejectsWith(async () => explanationMethod('gradient').explain(model, white), 'NON_FINITE');
    assert.equal(tf.memory().numTensors, tensors);
    const ok = computeExplanation(model, weights, new Float32Array(16), { topFeatures: 2, stridedFix: true });
    assert.ok(ok.probabilities.every(Number.isFinite));
    model.dispose();
  });
});
