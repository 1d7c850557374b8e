/**
 * The pure parts of the extension, edge by edge: dataset discovery (what is skipped, how deep, which
 * candidates win), model sniffing, progress text, storage layout, and reading files it did not write.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { findDatasetFolders } from '../../src/extension/dataset-discovery';
import { isKerasFileName, isTfjsModelJson, KERAS_SNIFF_BYTES, kerasFileProblem, looksLikeKerasModel, MODEL_JSON_SNIFF_LIMIT, modelJsonProblem } from '../../src/extension/model-files';
import { findLayerInText, TRAINING_CODE_EXCLUDE, TRAINING_CODE_GLOB } from '../../src/extension/layer-locator';
import { describeProgress, overallPercent } from '../../src/extension/progress-text';
import { storagePaths } from '../../src/extension/storage-paths';
import { MAX_RESULT_FILE_BYTES, parseResultText, readResultFile, unreadableReason } from '../../src/extension/read-result-file';
import { readAll, readRegularText, UnreadableFile } from '../../src/extension/regular-file';
import type { ByteSource } from '../../src/extension/regular-file';
import { LIMITS } from '../../src/engine/fs/safe-read';

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-ext-pure-'));
  try {
    await run(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Class folders under `folder`, each holding that many (empty) image files: discovery goes by names only. */
async function classFolders(folder: string, classes: Record<string, number>): Promise<void> {
  for (const [name, images] of Object.entries(classes)) {
    await fs.mkdir(path.join(folder, name), { recursive: true });
    for (let i = 0; i < images; i++) await fs.writeFile(path.join(folder, name, `img-${i}.png`), '');
  }
}

const relative = (root: string, found: { path: string }[]) => found.map((c) => path.relative(root, c.path));

test('dataset discovery skips build, dependency and hidden folders, and folders without images', async () => {
  await withTempDir(async (root) => {
    for (const skipped of ['node_modules', 'dist', 'out', '__pycache__', 'venv', '.venv', '.git', '.cache']) await classFolders(path.join(root, skipped, 'data'), { a: 2, b: 2 });
    // Class folders holding only notes, or a sub-folder with an image's name, are not classes.
    await classFolders(path.join(root, 'docs'), { a: 0, b: 0 });
    await fs.writeFile(path.join(root, 'docs', 'a', 'notes.txt'), 'x');
    await fs.writeFile(path.join(root, 'docs', 'b', 'notes.md'), 'x');
    await fs.mkdir(path.join(root, 'docs', 'b', 'folder.png'));
    await fs.writeFile(path.join(root, 'README.md'), 'not a folder');
    assert.deepEqual(await findDatasetFolders(root), []);
    await classFolders(path.join(root, 'images'), { cat: 1, dog: 1 });
    assert.deepEqual(relative(root, await findDatasetFolders(root)), ['images']);
  });
});

test('dataset discovery looks maxDepth folders deep, and an unreadable root has none', async () => {
  await withTempDir(async (root) => {
    await classFolders(path.join(root, 'a', 'b'), { x: 1, y: 1 });
    assert.deepEqual(relative(root, await findDatasetFolders(root)), [path.join('a', 'b')]);
    assert.deepEqual(relative(root, await findDatasetFolders(root, { maxDepth: 2 })), [path.join('a', 'b')]);
    assert.deepEqual(await findDatasetFolders(root, { maxDepth: 1 }), [], 'a/b is visited at depth 2');
    assert.deepEqual(await findDatasetFolders(path.join(root, 'missing')), []);
  });
});

test('dataset discovery keeps the outermost folder unless a class folder has more classes itself', async () => {
  await withTempDir(async (root) => {
    // flowers/rose has sub-folders of its own (2, like flowers): only flowers is offered.
    await classFolders(path.join(root, 'flowers'), { rose: 3, tulip: 3 });
    await classFolders(path.join(root, 'flowers', 'rose'), { red: 1, white: 1 });
    // animals has 2 classes but animals/all has 3: both are offered.
    await classFolders(path.join(root, 'animals'), { all: 1, other: 1 });
    await classFolders(path.join(root, 'animals', 'all'), { cat: 2, dog: 2, fox: 2 });
    const found = await findDatasetFolders(root);
    assert.deepEqual(relative(root, found).sort(), ['animals', path.join('animals', 'all'), 'flowers']);
  });
});

test('dataset discovery ranks by classes times images, samples 50 entries per class, and keeps `limit`', async () => {
  await withTempDir(async (root) => {
    await classFolders(path.join(root, 'a-small'), { x: 1, y: 1 }); // 2 x 2 = 4
    await classFolders(path.join(root, 'b-big'), { x: 60, y: 10 }); // 2 x (50 + 10) = 120
    await classFolders(path.join(root, 'c-wide'), { x: 1, y: 1, z: 1 }); // 3 x 3 = 9
    const found = await findDatasetFolders(root);
    assert.deepEqual(relative(root, found), ['b-big', 'c-wide', 'a-small']);
    assert.deepEqual(found[0], { path: path.join(root, 'b-big'), classes: 2, sampledImages: 60 });
    assert.deepEqual(relative(root, await findDatasetFolders(root, { limit: 1 })), ['b-big']);
  });
});

test('dataset discovery lists equally ranked folders in name order', async () => {
  await withTempDir(async (root) => {
    const names = ['kiwi', 'apple', 'fig', 'lemon', 'banana', 'mango', 'cherry', 'date'];
    for (const name of names) await classFolders(path.join(root, name), { x: 1, y: 1 });
    assert.deepEqual(relative(root, await findDatasetFolders(root)), [...names].sort());
  });
});

test('model.json sniffing: the topology must be an object, with weights or a TF.js format', () => {
  const model = (fields: Record<string, unknown>) => isTfjsModelJson(JSON.stringify(fields));
  assert.ok(model({ modelTopology: {}, format: 'layers-model' }), 'a Layers model without weightsManifest');
  assert.ok(model({ modelTopology: {}, format: 'graph-model' }), 'a graph model without weightsManifest');
  assert.ok(!model({ modelTopology: {}, format: 'tfjs-something' }));
  assert.ok(!model({ modelTopology: {} }), 'a topology alone is not enough');
  assert.ok(!model({ weightsManifest: [], format: 'layers-model' }), 'weights without a topology');
  assert.ok(!model({ modelTopology: 'Sequential', weightsManifest: [] }));
  assert.ok(!model({ modelTopology: null, weightsManifest: [] }));
  assert.ok(!model({ modelTopology: {}, weightsManifest: {} }));
  for (const text of ['null', '42', '"model"', '[]', '']) assert.equal(isTfjsModelJson(text), false, text);
});

test('model.json problems: the keys named are those of an object, at most five', () => {
  const notModel = 'is not a TensorFlow.js model: it has no modelTopology and weightsManifest';
  for (const text of ['null', '"ab"', '[1, 2]', '42', '{}']) assert.equal(modelJsonProblem(text), notModel, text);
  assert.equal(modelJsonProblem('{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7}'), `${notModel} (its keys: a, b, c, d, e)`);
  assert.equal(modelJsonProblem(JSON.stringify({ modelTopology: {}, format: 'graph-model' })), undefined);
});

test('Keras sniffing: every signature byte counts, names decide by their last extension', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // shares 5 of HDF5's 8 bytes
  assert.match(kerasFileProblem('photo.h5', png) ?? '', /not an HDF5 file/);
  assert.match(kerasFileProblem('m.keras', Buffer.from('PK\x05\x06')) ?? '', /not a zip file/, 'an empty zip is not an archive with a model');
  assert.ok(isKerasFileName('.h5') && isKerasFileName('weights.best.HDF5'));
  assert.ok(!isKerasFileName('h5') && !isKerasFileName('model') && !isKerasFileName('model.h5.json'));
  // Keras writes model_config among the root attributes, after the superblock: the sniffed head reaches it.
  const head = Buffer.alloc(KERAS_SNIFF_BYTES);
  Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]).copy(head);
  head.write('model_config', 4096);
  assert.ok(looksLikeKerasModel('m.h5', head.subarray(0, KERAS_SNIFF_BYTES)));
});

test('size limits: the extension reads back what the engine writes, and parses real model.json files', () => {
  assert.equal(MAX_RESULT_FILE_BYTES, LIMITS.jsonBytes);
  // A ResNet-50 model.json topology is a few MB: it must be parsed, not judged by its name.
  assert.ok(MODEL_JSON_SNIFF_LIMIT >= 16 * 1024 * 1024 && MODEL_JSON_SNIFF_LIMIT <= LIMITS.jsonBytes);
});

test('layer locator: names with regex characters are found literally; the training-code globs', () => {
  assert.deepEqual(findLayerInText('head = Dense(3, name="head.fc")(x)', 'head.fc'), { line: 0, character: 22 });
  assert.deepEqual(findLayerInText('import torch\nfc2 = nn.Linear(8, 2)\n', 'fc2'), { line: 1, character: 0 });
  const extensions = /^\*\*\/\*\.\{(.+)\}$/.exec(TRAINING_CODE_GLOB)?.[1].split(',') ?? [];
  for (const ext of ['py', 'ipynb', 'ts', 'js', 'json', 'yaml']) assert.ok(extensions.includes(ext), ext);
  const excluded = /^\*\*\/\{(.+)\}\/\*\*$/.exec(TRAINING_CODE_EXCLUDE)?.[1].split(',') ?? [];
  for (const folder of ['node_modules', '.git', '.venv', 'venv', '__pycache__', 'dist']) assert.ok(excluded.includes(folder), folder);
});

test('progress: no time left shown once done, totals of zero, fractions of the stage span', () => {
  assert.equal(describeProgress({ stage: 'features', done: 5, total: 5, unit: 'images', etaSeconds: 0 }), 'Extracting internal features: 5/5 images');
  assert.equal(describeProgress({ stage: 'features', done: 4, total: 5, unit: 'images', etaSeconds: 0.2 }), 'Extracting internal features: 4/5 images, 1 s left');
  assert.equal(overallPercent({ stage: 'features', done: 0, total: 0, unit: 'images' }), 5);
  assert.equal(overallPercent({ stage: 'features', done: 1000, total: 2000, unit: 'images' }), 37.5);
  assert.equal(overallPercent({ stage: 'interpret', done: 3, total: 2, unit: 'classes' }), 97, 'never past the stage');
});

test('storage layout: models/<16 hex>/interpretation, explanations/<16 hex>, evaluations/<kind>', () => {
  const root = path.join(os.tmpdir(), 'vebi-storage');
  const paths = storagePaths(root);
  const model = path.resolve('/w/a/model.json');
  const parts = (dir: string) => path.relative(root, dir).split(path.sep);
  const [models, modelHash, interpretation] = parts(paths.interpretationDir(model));
  assert.deepEqual([models, interpretation], ['models', 'interpretation']);
  assert.match(modelHash, /^[0-9a-f]{16}$/);
  const explanation = parts(paths.explanationDir(model, '/img/1.png'));
  assert.deepEqual(explanation.slice(0, 3), ['models', modelHash, 'explanations']);
  assert.match(explanation[3], /^[0-9a-f]{16}$/);
  assert.notEqual(explanation[3], modelHash);
  assert.equal(explanation.length, 4);
  assert.deepEqual(parts(paths.evaluationDir(model, 'sanity')), ['models', modelHash, 'evaluations', 'sanity']);
  if (process.platform !== 'win32') assert.equal(modelHash, '0d12c396687cac29', 'the same folder as earlier versions: results are found again');
});

/** A file as the OS might serve it: at most `chunk` bytes per read, and `length` bytes in all (it may have shrunk). */
function fakeFile(content: string, chunk: number): ByteSource & { reads: number } {
  const bytes = Buffer.from(content);
  return {
    reads: 0,
    async read(buffer, offset, length, position) {
      this.reads++;
      assert.ok(offset >= 0 && length >= 0 && offset + length <= buffer.length, `read(${offset}, ${length}) outside a buffer of ${buffer.length}`);
      assert.ok(this.reads < 100, 'reading in circles');
      return { bytesRead: bytes.copy(buffer, offset, position, Math.min(bytes.length, position + Math.min(length, chunk))) };
    },
  };
}

test('reading a file in pieces: short reads are continued, a file that shrank gives what is left', async () => {
  const whole = fakeFile('hello world', 4);
  assert.equal((await readAll(whole, 11)).toString(), 'hello world');
  assert.equal(whole.reads, 3, 'no further read once the known size is in');
  const shrunk = fakeFile('hello', 2);
  assert.equal((await readAll(shrunk, 11)).toString(), 'hello');
  assert.equal(shrunk.reads, 4, 'stops at the first read that returns nothing');
});

test('regular files: the exact limit is allowed, errors name the file, handles are closed', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'report.json');
    await fs.writeFile(file, '{"ok": true}');
    assert.equal(await readRegularText(file, 12), '{"ok": true}');
    const missing = path.join(dir, 'missing.json');
    await assert.rejects(readRegularText(missing, 100), (e: unknown) => e instanceof UnreadableFile && e.why === 'cannot be read (ENOENT)' && e.message === `${missing} cannot be read (ENOENT)`);
    await assert.rejects(readRegularText(dir, 100), (e: unknown) => e instanceof UnreadableFile && e.message === `${dir} is not a regular file`);
    const fds = async () => (await fs.readdir('/proc/self/fd').catch(() => [])).length;
    const before = await fds();
    for (let i = 0; i < 30; i++) {
      await readRegularText(file, 100);
      await readRegularText(dir, 100).catch(() => undefined);
    }
    assert.ok((await fds()) - before < 10, 'every opened file is closed again');
  });
});

test('result files: what went wrong and what to do, in one message', async () => {
  const hint = 'Run the command again; if it keeps failing, run "VEBI: Clear Cached Results".';
  await withTempDir(async (dir) => {
    const missing = path.join(dir, 'report.json');
    await assert.rejects(readResultFile(missing, z.object({})), (e: unknown) => e instanceof Error && e.message === `The result file ${missing} cannot be read (ENOENT). ${hint}`);
  });
  assert.throws(() => parseResultText('r.json', '{', z.object({})), (e: unknown) => e instanceof Error && e.message.startsWith('The result file r.json ') && e.message.endsWith(`. ${hint}`));
  assert.equal(unreadableReason(new Error('EIO: i/o error, read')), 'cannot be read (Error: EIO: i/o error, read)');
  assert.equal(unreadableReason(new UnreadableFile('f', 'is not a regular file')), 'is not a regular file');
});
