import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { runDataset } from '../../src/cli/commands/dataset';
import { scanDataset } from '../../src/engine/data';
import { generateFlowers, SHARED_PALETTE } from '../../src/engine/datasets';
import type { FlowersManifest, FlowersOptions, Rgb } from '../../src/engine/datasets';
import { isVebiError } from '../../src/shared/errors';
import type { ProgressEvent } from '../../src/shared/progress';

let tmp: string;
let single: FlowersManifest;
let singleDir: string;
let double: FlowersManifest;
let doubleDir: string;

const SINGLE: Omit<FlowersOptions, 'outDir'> = { variant: 'single-6c', perClass: 3, size: 64, seed: 7 };

async function readManifest(dir: string): Promise<FlowersManifest> {
  return JSON.parse(await fs.readFile(path.join(dir, 'dataset.json'), 'utf8')) as FlowersManifest;
}

/** RGB pixels of an image, or the single channel of a mask (sharp would expand grey to sRGB). */
async function pixels(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const grey = (await sharp(file).metadata()).channels === 1;
  const { data, info } = await (grey ? sharp(file).extractChannel(0) : sharp(file).removeAlpha()).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, grey ? 1 : 3, file);
  return { data, width: info.width, height: info.height };
}

function rgbOf(hexColour: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hexColour.slice(i, i + 2), 16)) as unknown as Rgb;
}

/** Flat interiors are exact (lossless PNG); the tolerance only absorbs antialiased edges. */
function near(data: Buffer, offset: number, rgb: Rgb, tolerance = 24): boolean {
  return Math.abs(data[offset] - rgb[0]) <= tolerance && Math.abs(data[offset + 1] - rgb[1]) <= tolerance && Math.abs(data[offset + 2] - rgb[2]) <= tolerance;
}

/** A mask pixel whose four neighbours are in the mask too (not on the part's antialiased edge). */
function interior(mask: { data: Buffer; width: number; height: number }, p: number): boolean {
  const { data, width, height } = mask;
  const x = p % width;
  const y = Math.floor(p / width);
  if (x === 0 || y === 0 || x === width - 1 || y === height - 1) return false;
  return data[p - 1] === 255 && data[p + 1] === 255 && data[p - width] === 255 && data[p + width] === 255;
}

/** Every file under `dir`, relative with '/' separators, sorted (every file here has an extension, no folder does). */
async function listFiles(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir, { recursive: true });
  return names
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => /\.(png|json)$/.test(name))
    .sort();
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isVebiError(error), `expected a VebiError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-flowers-'));
  singleDir = path.join(tmp, 'single');
  doubleDir = path.join(tmp, 'double');
  await generateFlowers({ ...SINGLE, outDir: singleDir });
  await generateFlowers({ variant: 'double-12c', perClass: 2, size: 64, seed: 3, outDir: doubleDir });
  single = await readManifest(singleDir);
  double = await readManifest(doubleDir);
});

after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('flowers dataset: layout', () => {
  test('images/<class>/<id>.png and masks/<class>/<id>.png for every image, counts as asked', async () => {
    for (const [dir, manifest, classes, perClass] of [
      [singleDir, single, 6, 3],
      [doubleDir, double, 12, 2],
    ] as const) {
      assert.equal(manifest.classes.length, classes);
      assert.equal(manifest.images, classes * perClass);
      assert.equal(manifest.items.length, classes * perClass);
      const files = await listFiles(dir);
      const images = files.filter((f) => f.startsWith('images/'));
      const masks = files.filter((f) => f.startsWith('masks/'));
      assert.equal(images.length, classes * perClass);
      assert.deepEqual(
        masks.map((f) => f.slice('masks/'.length)),
        images.map((f) => f.slice('images/'.length)),
      );
      assert.deepEqual(files, [...images, 'dataset.json', ...masks, 'vebi-output.json'].sort());
      for (const cls of manifest.classes) {
        assert.equal(images.filter((f) => f.startsWith(`images/${cls.name}/`)).length, perClass, cls.name);
      }
      for (const item of manifest.items) {
        assert.equal(item.mask, item.image.replace(/^images\//, 'masks/'));
        assert.equal(item.image.split('/')[1], manifest.classes[item.label].name);
      }
    }
    assert.equal(single.variant, 'single-6c');
    assert.equal(single.size, 64);
    assert.equal(single.seed, 7);
    assert.equal(single.perClass, 3);
    assert.deepEqual(single.discriminativeParts, ['petals']);
    assert.deepEqual(double.discriminativeParts, ['petals', 'leaves']);
    assert.equal(single.generator.name, 'vebi-flowers');
    assert.equal(typeof single.generator.version, 'number');
  });

  test('images are size x size RGB, masks the same size with one channel', async () => {
    const item = single.items[4];
    const image = await sharp(path.join(singleDir, item.image)).metadata();
    const mask = await sharp(path.join(singleDir, item.mask)).metadata();
    assert.deepEqual([image.width, image.height, image.channels, image.format], [64, 64, 3, 'png']);
    assert.deepEqual([mask.width, mask.height, mask.channels, mask.format], [64, 64, 1, 'png']);
  });

  test('DIR/images is a valid dataset for the engine, classes in class order', async () => {
    for (const [dir, manifest] of [
      [singleDir, single],
      [doubleDir, double],
    ] as const) {
      const dataset = await scanDataset(path.join(dir, 'images'));
      assert.deepEqual(
        dataset.classes,
        manifest.classes.map((c) => c.name),
      );
      const lexicographic = await scanDataset(path.join(dir, 'images'), { order: 'lexicographic' });
      assert.deepEqual(lexicographic.classes, dataset.classes, 'zero-padded names sort the same both ways');
      assert.equal(dataset.items.length, manifest.images);
      for (const item of dataset.items) {
        const entry = manifest.items.find((i) => i.image === `images/${item.relPath}`);
        assert.ok(entry, item.relPath);
        assert.equal(item.label, entry.label);
      }
    }
  });
});

describe('flowers dataset: determinism', () => {
  test('the same arguments give the same bytes; another seed gives other images', async () => {
    const again = path.join(tmp, 'single-again');
    await generateFlowers({ ...SINGLE, outDir: again, concurrency: 1 }); // another order of completion
    // Every file but the output manifest, whose createdAt differs.
    const files = (await listFiles(singleDir)).filter((f) => f !== 'vebi-output.json');
    assert.deepEqual((await listFiles(again)).filter((f) => f !== 'vebi-output.json'), files);
    for (const file of files) {
      assert.ok((await fs.readFile(path.join(singleDir, file))).equals(await fs.readFile(path.join(again, file))), file);
    }
    const other = path.join(tmp, 'single-seed-8');
    await generateFlowers({ ...SINGLE, seed: 8, outDir: other });
    let differing = 0;
    for (const file of files.filter((f) => f.startsWith('images/'))) {
      if (!(await fs.readFile(path.join(singleDir, file))).equals(await fs.readFile(path.join(other, file)))) differing++;
    }
    assert.equal(differing, single.images, 'every image changes with the seed');
  });

  test('images within a class differ from each other', async () => {
    const first = single.items.filter((i) => i.label === 0).map((i) => i.image);
    const bytes = await Promise.all(first.map((f) => fs.readFile(path.join(singleDir, f))));
    assert.ok(!bytes[0].equals(bytes[1]) && !bytes[1].equals(bytes[2]));
  });
});

describe('flowers dataset: masks', () => {
  test('masks are binary, non-empty, a reasonable part of the image, and agree with dataset.json', async () => {
    for (const [dir, manifest] of [
      [singleDir, single],
      [doubleDir, double],
    ] as const) {
      for (const item of manifest.items) {
        const { data, width, height } = await pixels(path.join(dir, item.mask));
        let on = 0;
        for (const v of data) {
          assert.ok(v === 0 || v === 255, `${item.mask} has value ${v}`);
          if (v === 255) on++;
        }
        const fraction = on / (width * height);
        assert.ok(fraction >= 0.05 && fraction <= 0.28, `${item.mask}: ${fraction}`);
        assert.ok(Math.abs(fraction - item.maskFraction) < 1e-3, `${item.mask}: manifest says ${item.maskFraction}, file ${fraction}`);
      }
    }
  });

  test('single-6c: pixels under the mask have the class petal colour, and that colour differs per class', async () => {
    const measured: Rgb[] = [];
    for (const cls of single.classes) {
      const petals = rgbOf(cls.colours.petals!.hex);
      const sums = [0, 0, 0];
      let count = 0;
      for (const item of single.items.filter((i) => i.label === cls.index)) {
        const image = await pixels(path.join(singleDir, item.image));
        const mask = await pixels(path.join(singleDir, item.mask));
        let under = 0;
        let matching = 0;
        let inside = 0;
        let insideMatching = 0;
        for (let p = 0; p < mask.data.length; p++) {
          if (mask.data[p] !== 255) continue;
          under++;
          const isPetal = near(image.data, p * 3, petals);
          if (isPetal) {
            matching++;
            for (let c = 0; c < 3; c++) sums[c] += image.data[p * 3 + c];
            count++;
          }
          if (interior(mask, p)) {
            inside++;
            if (isPetal) insideMatching++;
          }
        }
        // Away from the edges (antialiasing, the outline, dark notches between petals) the mask is
        // petal colour; a mask of any other part, or a shifted one, fails both checks.
        assert.ok(insideMatching / inside >= 0.8, `${item.image}: only ${((100 * insideMatching) / inside).toFixed(0)}% of the mask's interior has the petal colour`);
        assert.ok(matching / under >= 0.5, `${item.image}: only ${((100 * matching) / under).toFixed(0)}% of the mask has the petal colour`);
      }
      measured.push(sums.map((s) => Math.round(s / count)) as unknown as Rgb);
    }
    for (let a = 0; a < measured.length; a++) {
      for (let b = a + 1; b < measured.length; b++) {
        const distance = Math.hypot(...measured[a].map((v, c) => v - measured[b][c]));
        assert.ok(distance > 60, `classes ${a} and ${b} look alike: ${measured[a]} vs ${measured[b]}`);
      }
    }
  });

  test('double-12c: the mask covers both the petals and the leaves, in the class colours', async () => {
    const pairs = new Set(double.classes.map((c) => `${c.colours.petals!.hex}/${c.colours.leaves!.hex}`));
    assert.equal(pairs.size, 12, 'each class is a different combination');
    for (const item of double.items) {
      const cls = double.classes[item.label];
      const petals = rgbOf(cls.colours.petals!.hex);
      const leaves = rgbOf(cls.colours.leaves!.hex);
      const image = await pixels(path.join(doubleDir, item.image));
      const mask = await pixels(path.join(doubleDir, item.mask));
      let under = 0;
      let petalPixels = 0;
      let leafPixels = 0;
      let inside = 0;
      let insideMatching = 0;
      for (let p = 0; p < mask.data.length; p++) {
        if (mask.data[p] !== 255) continue;
        under++;
        const isPetal = near(image.data, p * 3, petals);
        const isLeaf = !isPetal && near(image.data, p * 3, leaves);
        if (isPetal) petalPixels++;
        if (isLeaf) leafPixels++;
        if (interior(mask, p)) {
          inside++;
          if (isPetal || isLeaf) insideMatching++;
        }
      }
      assert.ok(insideMatching / inside >= 0.8, `${item.image}: ${insideMatching}/${inside} interior mask pixels in the class colours`);
      assert.ok((petalPixels + leafPixels) / under >= 0.5, `${item.image}: ${petalPixels + leafPixels}/${under} mask pixels in the class colours`);
      assert.ok(petalPixels >= 0.03 * 64 * 64, `${item.image}: petals hardly visible (${petalPixels} px)`);
      assert.ok(leafPixels >= 0.01 * 64 * 64, `${item.image}: leaves hardly visible (${leafPixels} px)`);
    }
  });

  test('colour alone does not give the class away: class colours show on other parts of every class, their own included', async () => {
    // Many small images: how often each palette colour shows on a non-discriminative part, per class.
    const dir = path.join(tmp, 'palette');
    await generateFlowers({ variant: 'single-6c', perClass: 16, size: 32, seed: 11, outDir: dir });
    const manifest = await readManifest(dir);
    const shows = manifest.classes.map(() => new Map<string, number>(SHARED_PALETTE.map((c) => [c.name, 0])));
    for (const item of manifest.items) {
      const image = await pixels(path.join(dir, item.image));
      const mask = await pixels(path.join(dir, item.mask));
      for (const colour of SHARED_PALETTE) {
        let count = 0;
        for (let p = 0; p < mask.data.length; p++) if (mask.data[p] === 0 && near(image.data, p * 3, colour.rgb, 4)) count++;
        if (count >= 3) shows[item.label].set(colour.name, shows[item.label].get(colour.name)! + 1);
      }
    }
    for (const cls of manifest.classes) {
      const colour = cls.colours.petals!.name;
      const own = shows[cls.index].get(colour)!;
      const others = shows.filter((_, label) => label !== cls.index).map((m) => m.get(colour)!);
      const othersMean = others.reduce((a, b) => a + b, 0) / others.length;
      assert.ok(others.every((n) => n >= 2), `${colour} rarely shows outside the petals in some classes: ${others.join(', ')} of 16`);
      // Were distractors to avoid the class colour, "red elsewhere" would rule the red class out.
      assert.ok(own >= 0.5 * othersMean, `${colour} shows outside the petals in ${own}/16 images of ${cls.name} but ${othersMean.toFixed(1)}/16 of other classes`);
    }
  });
});

describe('flowers dataset: arguments, cancellation, overwriting', () => {
  const bad: [string, Partial<FlowersOptions>, RegExp][] = [
    ['unknown variant', { variant: 'triple-18c' as FlowersOptions['variant'] }, /variant "triple-18c".*single-6c, double-12c/],
    ['per-class 0', { perClass: 0 }, /--per-class/],
    ['per-class 1.5', { perClass: 1.5 }, /--per-class/],
    ['size 31', { size: 31 }, /--size.*32 to 1024/],
    ['size 1025', { size: 1025 }, /--size/],
    ['size 64.5', { size: 64.5 }, /--size/],
    ['seed 1.5', { seed: 1.5 }, /--seed.*whole number/],
    ['seed -1', { seed: -1 }, /--seed/],
    ['seed NaN', { seed: Number.NaN }, /--seed/],
    ['empty out', { outDir: '' }, /--out/],
  ];
  for (const [name, change, pattern] of bad) {
    test(`bad argument: ${name}`, async () => {
      const outDir = path.join(tmp, `bad-${name.replace(/\W+/g, '-')}`);
      await rejectsWith(generateFlowers({ ...SINGLE, outDir, ...change }), 'BAD_ARGUMENT', pattern);
      assert.equal(await exists(outDir), false);
    });
  }

  test('progress is reported as images written, ending at the total', async () => {
    const events: ProgressEvent[] = [];
    await generateFlowers({ variant: 'single-6c', perClass: 2, size: 32, seed: 1, outDir: path.join(tmp, 'progress') }, { onProgress: (e) => events.push(e) });
    assert.ok(events.length >= 2);
    assert.ok(events.every((e) => e.stage === 'generate' && e.unit === 'images' && e.total === 12));
    assert.equal(events[0].done, 0);
    assert.equal(events.at(-1)!.done, 12);
  });

  test('a cancelled run leaves nothing behind', async () => {
    const parent = path.join(tmp, 'cancel');
    await fs.mkdir(parent);
    const outDir = path.join(parent, 'flowers');
    const controller = new AbortController();
    const run = generateFlowers({ ...SINGLE, perClass: 50, outDir }, { signal: controller.signal, onProgress: (e) => e.done >= 3 && controller.abort() });
    await rejectsWith(run, 'CANCELLED', /cancelled/);
    assert.deepEqual(await fs.readdir(parent), [], 'no dataset and no partial folder');

    const early = new AbortController();
    early.abort();
    await rejectsWith(generateFlowers({ ...SINGLE, outDir }, { signal: early.signal }), 'CANCELLED', /cancelled/);
    assert.deepEqual(await fs.readdir(parent), []);
  });

  test('refuses to overwrite a folder that is not a flowers dataset; replaces a previous one', async () => {
    const foreign = path.join(tmp, 'foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(path.join(foreign, 'notes.txt'), 'keep me');
    await rejectsWith(generateFlowers({ ...SINGLE, outDir: foreign }), 'OUTPUT_REFUSED', /VEBI did not write.*notes\.txt.*new or empty folder/);
    assert.equal(await fs.readFile(path.join(foreign, 'notes.txt'), 'utf8'), 'keep me');

    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, 'x');
    await rejectsWith(generateFlowers({ ...SINGLE, outDir: file }), 'OUTPUT_REFUSED', /is a file/);

    const empty = path.join(tmp, 'empty');
    await fs.mkdir(empty);
    await generateFlowers({ variant: 'single-6c', perClass: 1, size: 32, seed: 1, outDir: empty });
    assert.equal((await readManifest(empty)).images, 6);

    // A previous flowers dataset is replaced as a whole: no stale images from the larger run.
    const previous = path.join(tmp, 'previous');
    await generateFlowers({ variant: 'single-6c', perClass: 2, size: 32, seed: 1, outDir: previous });
    await generateFlowers({ variant: 'single-6c', perClass: 1, size: 32, seed: 2, outDir: previous });
    assert.equal((await readManifest(previous)).seed, 2);
    assert.equal((await listFiles(path.join(previous, 'images'))).length, 6);
  });
});

describe('vebi dataset (CLI handler)', () => {
  async function captureStdout(run: () => Promise<number>): Promise<{ code: number; out: string }> {
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      return { code: await run(), out };
    } finally {
      process.stdout.write = write;
    }
  }

  test('flowers writes the dataset and prints a summary', async () => {
    const outDir = path.join(tmp, 'cli');
    const events: ProgressEvent[] = [];
    const { code, out } = await captureStdout(() =>
      runDataset(['flowers', '--variant', 'double-12c', '--per-class', '1', '--size', '32', '--seed', '5', '--out', outDir], new AbortController().signal, (e) => events.push(e)),
    );
    assert.equal(code, 0);
    assert.match(out, /Wrote 12 flower images \(12 classes x 1\)/);
    assert.match(out, /images\/s/);
    assert.ok(out.includes(path.join(outDir, 'images')));
    const manifest = await readManifest(outDir);
    assert.deepEqual([manifest.variant, manifest.size, manifest.seed, manifest.images], ['double-12c', 32, 5, 12]);
    assert.equal(events.at(-1)!.done, 12);
  });

  test('bad flags are BAD_ARGUMENT errors', async () => {
    const signal = new AbortController().signal;
    const outDir = path.join(tmp, 'cli-bad');
    await rejectsWith(runDataset(['mnist', '--out', outDir], signal), 'BAD_ARGUMENT', /Unknown dataset "mnist"/);
    await rejectsWith(runDataset(['flowers'], signal), 'BAD_ARGUMENT', /Missing --out/);
    await rejectsWith(runDataset(['flowers', '--out', outDir, '--seed', 'abc'], signal), 'BAD_ARGUMENT', /--seed needs a number/);
    await rejectsWith(runDataset(['flowers', '--out', outDir, '--variant', 'x'], signal), 'BAD_ARGUMENT', /variant "x"/);
    await rejectsWith(runDataset(['flowers', '--out', outDir, '--colour', 'red'], signal), 'BAD_ARGUMENT', /colour/);
    assert.equal(await exists(outDir), false);
  });
});
