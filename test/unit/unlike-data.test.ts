/**
 * The Explain view's "unlike the interpreted data" hint: pixel statistics, the rule, the folder
 * sample, and explain() on a real trained model: an inverted image of its own data is flagged, the
 * image itself is not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { explain, interpret } from '../../src/engine';
import { MIN_SAMPLE, pixelStats, sampleFolderStats, unlikeDataWarnings, type PixelStats } from '../../src/engine/explain/unlike-data';
import { useBackend } from '../helpers/backend';
import { FIXTURE_SIZE, trainedFixture, type TrainedFixture } from '../helpers/trained-fixture';

const dark = (i: number): PixelStats => ({ brightness: 0.12 + 0.01 * (i % 5), contrast: 0.3 + 0.01 * (i % 3) });
const sample = Array.from({ length: 20 }, (_, i) => dark(i));

test('pixel statistics: brightness is the mean, contrast the standard deviation, both over 255', () => {
  assert.deepEqual(pixelStats(Uint8Array.from([0, 255, 0, 255])), { brightness: 0.5, contrast: 0.5 });
  assert.deepEqual(pixelStats(Uint8Array.from([51, 51, 51])), { brightness: 0.2, contrast: 0 });
  assert.deepEqual(pixelStats(new Uint8Array(0)), { brightness: 0, contrast: 0 });
});

test('an image far from the sample is flagged, with the figures and the swap hint; a near one is not', () => {
  assert.deepEqual(unlikeDataWarnings(dark(2), sample, 'data/'), []);
  // Just inside 3 standard deviations + 0.1 of the mean: not flagged.
  assert.deepEqual(unlikeDataWarnings({ brightness: 0.24, contrast: 0.31 }, sample, 'data/'), []);
  const [warning] = unlikeDataWarnings({ brightness: 0.86, contrast: 0.31 }, sample, 'data/');
  assert.match(warning, /unlike the 20 images of data\/ the model was interpreted on/);
  assert.match(warning, /its mean brightness is 0\.86 where theirs is 0\.14 \u00b1 0\.01/);
  assert.doesNotMatch(warning, /contrast is/);
  assert.match(warning, /mostly light where the data is mostly dark: are foreground and background swapped\?/);
  const [both] = unlikeDataWarnings({ brightness: 0.3, contrast: 0.02 }, sample, 'data/');
  assert.match(both, /mean brightness is 0\.30 .*, and its contrast is 0\.02/);
  assert.doesNotMatch(both, /swapped/);
  // Too small a sample says nothing.
  assert.deepEqual(unlikeDataWarnings({ brightness: 0.9, contrast: 0 }, sample.slice(0, MIN_SAMPLE - 1), 'data/'), []);
});

let fixture: TrainedFixture;
let scratch: string;

before(async () => {
  await useBackend('wasm');
  fixture = await trainedFixture();
  scratch = await fs.mkdtemp(path.join(fixture.root, 'unlike-'));
});

after(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

test('the folder sample: a few images per class, at the model size; a missing folder gives none', async () => {
  const shape = { height: FIXTURE_SIZE, width: FIXTURE_SIZE, channels: 3 as const };
  const stats = await sampleFolderStats(fixture.dataDir, fixture.classes, shape);
  assert.equal(stats.length, Math.min(64, 8 * fixture.classes.length));
  assert.ok(stats.every((s) => s.brightness > 0 && s.brightness < 1 && s.contrast > 0));
  assert.deepEqual(await sampleFolderStats(path.join(scratch, 'gone'), fixture.classes, shape), []);
});

test('explain: an inverted image of the data is flagged (report, summary line), the image itself is not', async () => {
  const { outDir: reportDir } = await interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(scratch, 'report'), cacheDir: null, backend: 'wasm', params: { topK: 4 } });
  const original = path.join(fixture.dataDir, fixture.classes[1], (await fs.readdir(path.join(fixture.dataDir, fixture.classes[1]))).sort()[0]);
  const inverted = path.join(scratch, 'inverted.png');
  await sharp(original).negate({ alpha: false }).png().toFile(inverted);
  const plain = await explain({ modelPath: fixture.modelPath, imagePath: original, reportDir, outDir: path.join(scratch, 'plain'), cacheDir: null, backend: 'wasm' });
  assert.equal(plain.report.warnings, undefined);
  const flagged = await explain({ modelPath: fixture.modelPath, imagePath: inverted, reportDir, outDir: path.join(scratch, 'inverted'), cacheDir: null, backend: 'wasm' });
  assert.equal(flagged.report.warnings?.length, 1);
  assert.match(flagged.report.warnings?.[0] ?? '', /unlike the \d+ images of .* the model was interpreted on/);
  const html = await fs.readFile(path.join(flagged.outDir, 'index.html'), 'utf8');
  assert.match(html, /Unlike the interpreted data/);
});
