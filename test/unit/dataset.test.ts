import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import {
  IMAGE_EXTENSIONS,
  checkClassCount,
  decodeImage,
  decodeImageOriginal,
  formatPreprocessing,
  imageBatches,
  naturalCompare,
  parsePreprocessing,
  preprocess,
  readPreprocessingSidecar,
  scanDataset,
} from '../../src/engine/data';
import type { ImageBatch } from '../../src/engine/data';
import { crc32, decodePngSimple, encodePng, writePng } from '../../src/engine/image';
import { isVebiError } from '../../src/shared/errors';
import type { Preprocessing } from '../../src/shared/params';
import { makeImageFolder } from '../helpers/make-image-folder';
import { rejectsWith } from '../helpers/rejects-with';
import { seededRandom } from '../helpers/seeded-random';

let tmp: string;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-dataset-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function dirOf(name: string): Promise<string> {
  const d = path.join(tmp, name);
  await fs.mkdir(d, { recursive: true });
  return d;
}


function randomPixels(n: number, seed: number): Uint8Array {
  const rng = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
}

/** A PNG whose header claims width x height, with no real pixel data behind it. */
function fakePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(16)), chunk('IEND', Buffer.alloc(0))]);
}

describe('scanDataset', () => {
  test('one folder per class: labels follow class order, items are grouped and deterministic', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'layout'), { classes: 3, perClass: 4, size: 8, channels: 1 });
    const a = await scanDataset(folder.root);
    const b = await scanDataset(folder.root);
    assert.deepEqual(a, b);
    assert.equal(a.root, folder.root);
    assert.deepEqual(a.classes, ['0', '1', '2']);
    assert.equal(a.items.length, 12);
    assert.deepEqual(a.items.map((i) => i.label), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    assert.equal(a.items[5].relPath, '1/img-0001.png');
    assert.equal(a.items[5].path, path.join(folder.root, '1', 'img-0001.png'));
  });

  test('natural order for classes and files ("2" < "10"), lexicographic on request', async () => {
    const root = await dirOf('natural');
    const png = await encodePng(new Uint8Array(4), 2, 2, 1);
    for (const cls of ['10', '2', '1', 'b', 'a']) {
      await fs.mkdir(path.join(root, cls));
      for (const f of ['img10.png', 'img2.png', 'img1.png']) await fs.writeFile(path.join(root, cls, f), png);
    }
    const ds = await scanDataset(root);
    assert.deepEqual(ds.classes, ['1', '2', '10', 'a', 'b']);
    assert.deepEqual(ds.items.slice(0, 3).map((i) => i.relPath), ['1/img1.png', '1/img2.png', '1/img10.png']);
    const lex = await scanDataset(root, { order: 'lexicographic' });
    assert.deepEqual(lex.classes, ['1', '10', '2', 'a', 'b']);
    assert.ok(naturalCompare('x01', 'x1') !== 0, 'the order stays total when values tie');
    assert.ok(naturalCompare('a99999999999999999999', 'a100000000000000000000') < 0, 'digit runs beyond 2^53');
  });

  test('recursive inside a class; hidden entries, non-images and loose top-level files ignored', async () => {
    const root = await dirOf('recursive');
    const png = await encodePng(new Uint8Array(4), 2, 2, 1);
    await fs.mkdir(path.join(root, 'cat', 'nested', 'deeper'), { recursive: true });
    await fs.mkdir(path.join(root, 'cat', '.thumbs'), { recursive: true });
    await fs.mkdir(path.join(root, '.git'), { recursive: true });
    await fs.mkdir(path.join(root, 'dog'), { recursive: true });
    await fs.writeFile(path.join(root, 'cat', 'a.PNG'), png);
    await fs.writeFile(path.join(root, 'cat', 'nested', 'deeper', 'b.png'), png);
    await fs.writeFile(path.join(root, 'cat', '.hidden.png'), png);
    await fs.writeFile(path.join(root, 'cat', '.thumbs', 'c.png'), png);
    await fs.writeFile(path.join(root, 'cat', 'notes.txt'), 'not an image');
    await fs.writeFile(path.join(root, '.git', 'x.png'), png);
    await fs.writeFile(path.join(root, 'dog', 'd.jpeg'), png);
    await fs.writeFile(path.join(root, 'README.png'), png);
    const ds = await scanDataset(root);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.deepEqual(ds.items.map((i) => i.relPath), ['cat/a.PNG', 'cat/nested/deeper/b.png', 'dog/d.jpeg']);
  });

  test('the extension list is exactly what the bundled sharp reads', () => {
    const readable = new Set<string>();
    for (const [name, f] of Object.entries(sharp.format)) {
      const input = f.input as { file: boolean; fileSuffix?: string[] };
      if (input.file && name !== 'svg' && name !== 'vips') for (const s of input.fileSuffix ?? []) readable.add(s);
    }
    assert.deepEqual([...IMAGE_EXTENSIONS].sort(), [...readable].sort());
  });

  test('errors: missing folder, a file, no class folders, an empty class, class names', async () => {
    const missing = path.join(tmp, 'does-not-exist');
    const e1 = await rejectsWith(() => scanDataset(missing), 'DATA_NOT_FOUND', missing);
    assert.match(e1.message, /does not exist/);
    const file = path.join(await dirOf('a-file'), 'x.png');
    await fs.writeFile(file, 'x');
    await rejectsWith(() => scanDataset(file), 'DATA_NOT_FOUND', file);

    const flat = await dirOf('flat');
    await writePng(path.join(flat, 'a.png'), new Uint8Array(4), 2, 2, 1);
    const e2 = await rejectsWith(() => scanDataset(flat), 'DATA_NO_CLASSES', flat);
    assert.match(e2.message, /Expected layout: <dataset>\/<class name>\/<image>/);
    assert.match(e2.message, /1 image\(s\) directly/);

    const empty = await dirOf('empty-class');
    await writePng(path.join(empty, 'full', 'a.png'), new Uint8Array(4), 2, 2, 1);
    await fs.mkdir(path.join(empty, 'hollow', 'sub'), { recursive: true });
    await fs.writeFile(path.join(empty, 'hollow', 'sub', 'note.txt'), 'x');
    const e3 = await rejectsWith(() => scanDataset(empty), 'DATA_EMPTY_CLASS', path.join(empty, 'hollow'));
    assert.match(e3.message, /hollow/);

    const named = await makeImageFolder(path.join(tmp, 'named'), { classes: 3, perClass: 1, size: 4, channels: 1, classNames: ['cat', 'dog', 'fox'] });
    const ordered = await scanDataset(named.root, { classNames: ['fox', 'cat', 'dog'] });
    assert.deepEqual(ordered.classes, ['fox', 'cat', 'dog']);
    assert.equal(ordered.items[0].relPath.split('/')[0], 'fox');
    assert.equal(ordered.items[0].label, 0);
    await rejectsWith(() => scanDataset(named.root, { classNames: ['cat', 'dog', 'fox', 'owl'] }), 'DATA_NOT_FOUND', path.join(named.root, 'owl'));
    const e4 = await rejectsWith(() => scanDataset(named.root, { classNames: ['cat', 'dog'] }), 'CLASS_COUNT_MISMATCH', named.root);
    assert.match(e4.message, /"fox"/);
  });

  test('a link inside a class folder to the dataset itself or into another class is not followed: every image keeps its own label, once', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'linked'), { classes: 3, perClass: 2, size: 4, channels: 1 });
    const [first, second] = folder.classes;
    await fs.symlink('..', path.join(folder.root, first, 'up'));
    await fs.symlink(path.join('..', second), path.join(folder.root, first, 'next'));
    await fs.symlink(path.join(folder.root, second), path.join(folder.root, first, 'absolute'));
    await fs.symlink(path.join(tmp, 'linked-extra'), path.join(folder.root, first, 'extra'));
    await makeImageFolder(path.join(tmp, 'linked-extra'), { classes: 1, perClass: 3, size: 4, channels: 1 });
    const scanned = await scanDataset(folder.root);
    const perLabel = scanned.classes.map((_, j) => scanned.items.filter((item) => item.label === j).length);
    assert.deepEqual(perLabel, [2 + 3, 2, 2], 'a link to a folder outside the dataset is still followed');
    assert.ok(scanned.items.every((item) => item.relPath.startsWith(scanned.classes[item.label] + '/')));
    assert.equal(new Set(scanned.items.map((item) => item.path)).size, scanned.items.length);
  });

  test('checkClassCount names both numbers', async () => {
    checkClassCount(['a', 'b'], 2, '/data');
    await rejectsWith(async () => checkClassCount(['a', 'b', 'c'], 10, '/data'), 'CLASS_COUNT_MISMATCH', '/data').then((e) => {
      assert.match(e.message, /has 3 class folders/);
      assert.match(e.message, /predicts 10 classes/);
    });
  });
});

describe('decodeImage', () => {
  test('RGB and grey at the target size, exact pixels; grey is PIL luma; grey sources expand', async () => {
    const dir = await dirOf('decode');
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50]);
    const file = path.join(dir, 'rgb.png');
    await writePng(file, rgb, 2, 2, 3);
    for (const noFastPath of [false, true]) {
      assert.deepEqual(await decodeImage(file, { height: 2, width: 2, channels: 3 }, { noFastPath }), rgb);
      // PIL convert('L'): (19595 R + 38470 G + 7471 B + 32768) >> 16
      assert.deepEqual(await decodeImage(file, { height: 2, width: 2, channels: 1 }, { noFastPath }), Uint8Array.from([76, 150, 29, 124]));
    }
    const grey = path.join(dir, 'grey.png');
    await writePng(grey, Uint8Array.from([0, 50, 100, 255]), 2, 2, 1);
    assert.deepEqual(await decodeImage(grey, { height: 2, width: 2, channels: 1 }), Uint8Array.from([0, 50, 100, 255]));
    assert.deepEqual(await decodeImage(grey, { height: 2, width: 2, channels: 3 }), Uint8Array.from([0, 0, 0, 50, 50, 50, 100, 100, 100, 255, 255, 255]));
  });

  test('alpha is dropped (not composited), and the fast PNG path equals sharp for every colour type', async () => {
    const dir = await dirOf('fast-path');
    const h = 13;
    const w = 17;
    for (const channels of [1, 2, 3, 4] as const) {
      const pixels = randomPixels(h * w * channels, channels);
      const file = path.join(dir, `c${channels}.png`);
      await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels } }).png().toFile(file);
      assert.ok(await decodePngSimple(await fs.readFile(file)), 'sharp-written plain PNGs take the fast path');
      for (const target of [1, 3] as const) {
        const fast = await decodeImage(file, { height: h, width: w, channels: target });
        const slow = await decodeImage(file, { height: h, width: w, channels: target }, { noFastPath: true });
        assert.deepEqual(fast, slow, `colour type with ${channels} channels -> ${target}`);
      }
      if (channels === 4) {
        const rgb = await decodeImage(file, { height: h, width: w, channels: 3 });
        for (let p = 0; p < h * w; p++) assert.deepEqual([...rgb.subarray(p * 3, p * 3 + 3)], [...pixels.subarray(p * 4, p * 4 + 3)]);
      }
    }
    // Files the fast path declines (interlaced, 16-bit, palette) still decode through sharp.
    const base = randomPixels(h * w * 3, 9);
    const raw = sharp(Buffer.from(base), { raw: { width: w, height: h, channels: 3 } });
    await raw.clone().png({ progressive: true }).toFile(path.join(dir, 'interlaced.png'));
    await raw.clone().png({ palette: true, colours: 16 }).toFile(path.join(dir, 'palette.png'));
    await raw.clone().toColourspace('rgb16').png().toFile(path.join(dir, 'deep.png'));
    for (const f of ['interlaced.png', 'palette.png', 'deep.png']) assert.equal(await decodePngSimple(await fs.readFile(path.join(dir, f))), undefined, f);
    assert.deepEqual(await decodeImage(path.join(dir, 'interlaced.png'), { height: h, width: w, channels: 3 }), base);
    assert.equal((await decodeImage(path.join(dir, 'palette.png'), { height: h, width: w, channels: 3 })).length, h * w * 3);
    const deep = await decodeImage(path.join(dir, 'deep.png'), { height: h, width: w, channels: 3 });
    assert.ok(deep.every((v, i) => Math.abs(v - base[i]) <= 1), '16-bit PNG comes back as 8-bit');
  });

  test('resizes to exactly height x width (fill, aspect not kept); JPEG and WebP read', async () => {
    const dir = await dirOf('resize');
    const wide = path.join(dir, 'wide.png');
    await writePng(wide, new Uint8Array(10 * 40 * 3).fill(120), 40, 10, 3);
    const out = await decodeImage(wide, { height: 8, width: 8, channels: 3 });
    assert.equal(out.length, 8 * 8 * 3);
    assert.ok(out.every((v) => v === 120));
    const pixels = Buffer.from(new Uint8Array(16 * 16 * 3).fill(200));
    await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toFile(path.join(dir, 'a.jpg'));
    await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).webp({ lossless: true }).toFile(path.join(dir, 'a.webp'));
    for (const f of ['a.jpg', 'a.webp']) {
      const px = await decodeImage(path.join(dir, f), { height: 4, width: 4, channels: 1 });
      assert.ok(px.every((v) => Math.abs(v - 200) <= 2), f);
    }
  });

  test('a text file named .png, a truncated PNG and a missing file are IMAGE_UNREADABLE naming the path', async () => {
    const dir = await dirOf('bad');
    const text = path.join(dir, 'text.png');
    await fs.writeFile(text, 'this is not an image');
    const e = await rejectsWith(() => decodeImage(text, { height: 4, width: 4, channels: 1 }), 'IMAGE_UNREADABLE', text);
    assert.ok(e.message.includes(text));
    const good = await encodePng(randomPixels(32 * 32 * 3, 2), 32, 32, 3);
    const truncated = path.join(dir, 'truncated.png');
    await fs.writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
    await rejectsWith(() => decodeImage(truncated, { height: 32, width: 32, channels: 3 }), 'IMAGE_UNREADABLE', truncated);
    const gone = path.join(dir, 'gone.png');
    const e2 = await rejectsWith(() => decodeImage(gone, { height: 4, width: 4, channels: 1 }), 'IMAGE_UNREADABLE', gone);
    assert.match(e2.message, /does not exist/);
  });

  test('IMAGE_TOO_LARGE from the header, before any decoding', async () => {
    const dir = await dirOf('huge');
    // 20000 x 20000 claimed by the header, 16 bytes of garbage as pixel data: decoding would fail
    // as IMAGE_UNREADABLE, so IMAGE_TOO_LARGE proves the check ran first.
    const huge = path.join(dir, 'huge.png');
    await fs.writeFile(huge, fakePngHeader(20000, 20000));
    const started = performance.now();
    const e = await rejectsWith(() => decodeImage(huge, { height: 28, width: 28, channels: 1 }), 'IMAGE_TOO_LARGE', huge);
    assert.ok(performance.now() - started < 1000);
    assert.match(e.message, /20000 x 20000/);
    await rejectsWith(() => decodeImageOriginal(huge), 'IMAGE_TOO_LARGE', huge);
    const small = path.join(dir, 'small.png');
    await writePng(small, new Uint8Array(100 * 100), 100, 100, 1);
    await rejectsWith(() => decodeImage(small, { height: 100, width: 100, channels: 1 }, { maxPixels: 5000 }), 'IMAGE_TOO_LARGE', small);
    await rejectsWith(() => decodeImage(small, { height: 10, width: 10, channels: 1 }, { maxPixels: 5000 }), 'IMAGE_TOO_LARGE', small);
  });

  test('decodeImageOriginal: RGB at the original size, bounded by maxSide with the aspect kept', async () => {
    const dir = await dirOf('original');
    const file = path.join(dir, 'o.png');
    await writePng(file, new Uint8Array(30 * 60).fill(77), 60, 30, 1);
    const full = await decodeImageOriginal(file);
    assert.deepEqual([full.height, full.width, full.channels, full.pixels.length], [30, 60, 3, 30 * 60 * 3]);
    assert.ok(full.pixels.every((v) => v === 77));
    const bounded = await decodeImageOriginal(file, 20);
    assert.deepEqual([bounded.height, bounded.width, bounded.sourceHeight, bounded.sourceWidth], [10, 20, 30, 60]);
  });
});

describe('preprocessing', () => {
  const px = Uint8Array.from([0, 51, 255, 255]);
  test('unit, raw, symmetric, meanstd (unit and raw scale, one value broadcast)', () => {
    const close = (a: Float32Array, b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${v} vs ${b[i]}`));
    close(preprocess(px, 1, { kind: 'unit' }), [0, 0.2, 1, 1]);
    close(preprocess(px, 1, { kind: 'raw' }), [0, 51, 255, 255]);
    close(preprocess(px, 1, { kind: 'symmetric' }), [-1, 51 / 127.5 - 1, 1, 1]);
    const rgb = Uint8Array.from([255, 0, 51, 0, 255, 51]);
    const ms: Preprocessing = { kind: 'meanstd', mean: [0.5, 0.25, 0], std: [0.5, 0.25, 0.2] };
    close(preprocess(rgb, 3, ms), [1, -1, 1, -1, 3, 1]);
    close(preprocess(rgb, 3, { kind: 'meanstd', mean: [127.5], std: [127.5], scale: 'raw' }), [1, -1, 51 / 127.5 - 1, -1, 1, 51 / 127.5 - 1]);
    assert.throws(() => preprocess(px, 1, ms), (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT' && /3 values but the model takes 1-channel/.test(e.message));
    assert.deepEqual([...px], [0, 51, 255, 255], 'input untouched');
  });

  test('parsePreprocessing accepts the CLI forms and explains the others', () => {
    assert.deepEqual(parsePreprocessing('unit'), { kind: 'unit' });
    assert.deepEqual(parsePreprocessing(' symmetric '), { kind: 'symmetric' });
    assert.deepEqual(parsePreprocessing('raw'), { kind: 'raw' });
    const m = parsePreprocessing('meanstd:0.485,0.456,0.406:0.229,0.224,0.225');
    assert.deepEqual(m, { kind: 'meanstd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    assert.deepEqual(parsePreprocessing('meanstd:123.7:58.4:raw'), { kind: 'meanstd', mean: [123.7], std: [58.4], scale: 'raw' });
    assert.deepEqual(parsePreprocessing(formatPreprocessing(m)), m);
    for (const bad of ['', 'caffe', 'meanstd', 'meanstd:1,2:3', 'meanstd:a,b,c:1,1,1', 'meanstd:0,0,0:1,0,1', 'meanstd:0:1:bogus', 'meanstd:0,,0:1,1,1']) {
      assert.throws(() => parsePreprocessing(bad), (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT' && /'unit'/.test(e.message), bad);
    }
  });
});

describe('vebi.json sidecar', () => {
  test('absent -> undefined; string and object forms; classNames; model file or folder', async () => {
    const dir = await dirOf('sidecar-ok');
    const model = path.join(dir, 'model.json');
    await fs.writeFile(model, '{}');
    assert.equal(await readPreprocessingSidecar(model), undefined);
    await fs.writeFile(path.join(dir, 'vebi.json'), '\uFEFF{"preprocessing": "symmetric", "classNames": ["b", "a"], "$comment": "ok"}');
    const s = await readPreprocessingSidecar(model);
    assert.deepEqual(s, { path: path.join(dir, 'vebi.json'), preprocessing: { kind: 'symmetric' }, classNames: ['b', 'a'] });
    assert.deepEqual(await readPreprocessingSidecar(dir), s, 'a model folder works too');
    await fs.writeFile(path.join(dir, 'vebi.json'), JSON.stringify({ preprocessing: { kind: 'meanstd', mean: [0.5], std: [0.25], scale: 'unit' } }));
    assert.deepEqual((await readPreprocessingSidecar(model))?.preprocessing, { kind: 'meanstd', mean: [0.5], std: [0.25], scale: 'unit' });
  });

  test('invalid JSON, unknown keys and bad values name the file', async () => {
    const dir = await dirOf('sidecar-bad');
    const model = path.join(dir, 'model.keras');
    const sidecar = path.join(dir, 'vebi.json');
    const cases: [string, RegExp][] = [
      ['{"preprocessing": "unit",}', /not valid JSON/],
      ['[1]', /JSON object/],
      ['{"preprocesing": "unit"}', /unknown key\(s\) "preprocesing"/],
      ['{"preprocessing": "bogus"}', /Unknown preprocessing 'bogus'/],
      ['{"preprocessing": {"kind": "meanstd", "mean": [0], "std": [0]}}', /std of 0/],
      ['{"classNames": ["a", "a"]}', /twice/],
      ['{"classNames": []}', /non-empty array/],
      ['{"classNames": ["a/b"]}', /not a folder name/],
    ];
    for (const [text, why] of cases) {
      await fs.writeFile(sidecar, text);
      const e = await rejectsWith(() => readPreprocessingSidecar(model), 'SIDECAR_INVALID', sidecar);
      assert.match(e.message, why, text);
      assert.ok(e.message.includes(sidecar), 'the message names the file');
    }
  });
});

describe('imageBatches', () => {
  const shape = { height: 6, width: 6, channels: 3 as const };
  const unit: Preprocessing = { kind: 'unit' };

  async function collect<T extends { path: string }>(gen: AsyncGenerator<ImageBatch<T>>): Promise<ImageBatch<T>[]> {
    const out: ImageBatch<T>[] = [];
    for await (const b of gen) out.push(b);
    return out;
  }

  test('full batches in order, data equals preprocess(decode) per image', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'batches'), { classes: 2, perClass: 5, size: 6, channels: 3 });
    const ds = await scanDataset(folder.root);
    const batches = await collect(imageBatches(ds.items, shape, unit, { batchSize: 4, onBadFile: 'fail', concurrency: 3 }));
    assert.deepEqual(batches.map((b) => b.items.length), [4, 4, 2]);
    assert.deepEqual(batches.flatMap((b) => b.items), ds.items);
    const hwc = 6 * 6 * 3;
    for (const b of batches) {
      assert.equal(b.data.length, b.items.length * hwc);
      for (let i = 0; i < b.items.length; i++) {
        const expected = preprocess(await decodeImage(b.items[i].path, shape), 3, unit);
        assert.deepEqual(b.data.subarray(i * hwc, (i + 1) * hwc), expected);
      }
    }
  });

  test('bad files: skip keeps batches full and reports each skip once; fail throws naming the file', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'batches-bad'), { classes: 1, perClass: 7, size: 6, channels: 3 });
    const ds = await scanDataset(folder.root);
    const badA = path.join(folder.root, '0', 'img-0001.png');
    const badB = path.join(folder.root, '0', 'img-0006.png'); // the last file: reported after the last batch
    await fs.writeFile(badA, 'not a png');
    await fs.writeFile(badB, fakePngHeader(20000, 20000));
    const batches = await collect(imageBatches(ds.items, shape, unit, { batchSize: 5, onBadFile: 'skip' }));
    assert.deepEqual(batches.map((b) => b.items.length), [5]);
    assert.deepEqual(batches[0].skipped.map((s) => [s.path, s.code]), [[badA, 'IMAGE_UNREADABLE'], [badB, 'IMAGE_TOO_LARGE']]);
    const small = await collect(imageBatches(ds.items, shape, unit, { batchSize: 2, onBadFile: 'skip' }));
    assert.deepEqual(small.map((b) => b.items.length), [2, 2, 1]);
    assert.deepEqual(small.map((b) => b.skipped.length), [1, 0, 1]);
    await rejectsWith(() => collect(imageBatches(ds.items, shape, unit, { batchSize: 2, onBadFile: 'fail' })), 'IMAGE_UNREADABLE', badA);
    const allBad = ds.items.filter((i) => i.path === badA || i.path === badB);
    await rejectsWith(() => collect(imageBatches(allBad, shape, unit, { batchSize: 2, onBadFile: 'skip' })), 'IMAGE_UNREADABLE', badA);
    assert.deepEqual(await collect(imageBatches([], shape, unit, { batchSize: 2, onBadFile: 'fail' })), []);
  });

  test('abort: before the start and between batches -> CANCELLED; an early break is clean', async () => {
    const folder = await makeImageFolder(path.join(tmp, 'batches-abort'), { classes: 2, perClass: 8, size: 6, channels: 3 });
    const ds = await scanDataset(folder.root);
    const pre = new AbortController();
    pre.abort();
    await rejectsWith(() => collect(imageBatches(ds.items, shape, unit, { batchSize: 4, onBadFile: 'fail', signal: pre.signal })), 'CANCELLED');
    const mid = new AbortController();
    let seen = 0;
    await rejectsWith(async () => {
      for await (const b of imageBatches(ds.items, shape, unit, { batchSize: 4, onBadFile: 'fail', signal: mid.signal })) {
        seen += b.items.length;
        if (seen === 4) mid.abort();
      }
    }, 'CANCELLED');
    assert.equal(seen, 4);
    for await (const b of imageBatches(ds.items, shape, unit, { batchSize: 4, onBadFile: 'fail' })) {
      assert.equal(b.items.length, 4);
      break;
    }
    await rejectsWith(() => collect(imageBatches(ds.items, shape, unit, { batchSize: 0, onBadFile: 'fail' })), 'BAD_ARGUMENT');
  });
});
