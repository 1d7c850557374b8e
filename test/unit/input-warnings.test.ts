/**
 * The report's hints when a folder's images are not what the model takes: far bigger or smaller
 * than its input, in colour for a grey model, grey for a colour one. Sampled from real PNG folders.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { colourfulness, inputWarnings, sampleImages, type SampledImage } from '../../src/engine/interpret/input-warnings';
import { makeImageFolder, type ImageFolder } from '../helpers/make-image-folder';

let root: string;
let colourBig: ImageFolder;
let greySmall: ImageFolder;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-input-'));
  // A coloured square (red, green or blue by class) on a grey page.
  const draw = (label: number, i: number): Uint8Array => {
    const pixels = new Uint8Array(140 * 140 * 3).fill(128);
    for (let y = 30 + (i % 20); y < 90; y++) for (let x = 30; x < 100; x++) pixels[(y * 140 + x) * 3 + label] = 230;
    return pixels;
  };
  colourBig = await makeImageFolder(path.join(root, 'colour'), { classes: 3, perClass: 30, size: 140, channels: 3, seed: 2, draw });
  greySmall = await makeImageFolder(path.join(root, 'grey'), { classes: 2, perClass: 6, size: 28, channels: 1, seed: 3 });
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const image = (width: number, colour: number): SampledImage => ({ width, height: width, colourfulness: colour });

test('colourfulness: the share of pixels whose channels differ by more than 40', () => {
  assert.equal(colourfulness(Uint8Array.from([7, 7, 7, 200, 200, 200])), 0);
  assert.equal(colourfulness(Uint8Array.from([255, 0, 255, 90, 90, 90])), 0.5);
  assert.equal(colourfulness(Uint8Array.from([100, 140, 100, 100, 141, 100])), 0.5, 'a spread of 40 is grey, 41 is colour');
  assert.equal(colourfulness(new Uint8Array(0)), 0);
});

test('the sample: 64 images spread over the folder, their file size and colour; unreadable files left out', async () => {
  const files = colourBig.files.map((f) => f.path);
  const sample = await sampleImages([...files, path.join(root, 'missing.png')]);
  assert.equal(sample.length, 64);
  assert.ok(sample.every((s) => s.width === 140 && s.height === 140));
  assert.ok(sample.filter((s) => s.colourfulness > 0.02).length >= 32, 'the generated colour squares count as colour');
  const grey = await sampleImages(greySmall.files.map((f) => f.path));
  assert.equal(grey.length, 12);
  assert.ok(grey.every((s) => s.colourfulness === 0 && s.width === 28));
});

test('hints: resized 4 times or more, colour for a grey model; none when it fits', async () => {
  const colourSample = await sampleImages(colourBig.files.map((f) => f.path));
  const [resized, colour] = inputWarnings(colourSample, [28, 28, 1], 'photos/');
  assert.equal(resized, 'The images of photos/ are about 140 x 140 px and the model takes 28 x 28: each is resized 5 times down. If the model was trained on images of another size or framing, its accuracy here will not be its usual one.');
  assert.match(colour, /^The model takes grey images but \d+ % of the sampled images of photos\/ are in colour/);
  assert.deepEqual(inputWarnings(colourSample, [140, 140, 3], 'photos/'), []);
  assert.deepEqual(inputWarnings(colourSample, [40, 40, 3], 'photos/'), [], 'resized 3.5 times: not worth a hint');
  const greySample = await sampleImages(greySmall.files.map((f) => f.path));
  assert.deepEqual(inputWarnings(greySample, [28, 28, 1], 'digits/'), []);
  assert.deepEqual(inputWarnings(greySample, [28, 28, 3], 'digits/'), [], 'grey images for a colour model: no hint');
  assert.match(inputWarnings([image(7, 0), image(7, 0)], [28, 28, 1], 'tiny/')[0], /about 7 x 7 px and the model takes 28 x 28: each is resized 4 times up/);
  // Half the sample in colour is a colour folder; less is not. An empty sample says nothing.
  assert.equal(inputWarnings([image(28, 0.5), image(28, 0)], [28, 28, 1], 'x/').length, 1);
  assert.equal(inputWarnings([image(28, 0.5), image(28, 0), image(28, 0)], [28, 28, 1], 'x/').length, 0);
  assert.deepEqual(inputWarnings([], [28, 28, 1], 'x/'), []);
});
