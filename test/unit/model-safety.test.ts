/**
 * Model files are untrusted input: FIFOs and devices as model or shard, decompression bombs in a
 * .keras, lying zip headers, HDF5 datasets that declare huge shapes, NaN/Inf weights. Each gives a
 * clear error naming the file, quickly and with bounded memory, from the loader and from the
 * cache's model hash; and the hash still covers model.json and every weight file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { useBackend } from '../helpers/backend';
import { keras3FunctionalConfig, referenceModel, writeKerasArchive } from '../helpers/keras-fixture';
import { buildLeNet, writeTinyGraphModel, writeTinyModel } from '../helpers/tiny-models';
import { buildZip, deflatedZeros, zipEntry, type RawZipEntry } from '../helpers/zip-writer';
import { hashModel } from '../../src/engine/cache/content-hash';
import { h5wasm } from '../../src/engine/model/keras/open-hdf5';
import { loadModel } from '../../src/engine/model/load-model';
import { isVebiError, type VebiErrorCode } from '../../src/shared/errors';

const MiB = 1024 * 1024;

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'vebi-safety-'));
}

/** Rejects with `code` and every pattern, within `seconds` (a hang fails the test's timeout instead). */
async function refuses(promise: Promise<unknown>, code: VebiErrorCode, patterns: RegExp[], seconds = 5): Promise<void> {
  const started = performance.now();
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isVebiError(err), `expected a VebiError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
  const elapsed = (performance.now() - started) / 1000;
  assert.ok(elapsed < seconds, `took ${elapsed.toFixed(1)} s`);
}

/** Refused both by the loader and by the cache's model hash. */
async function bothRefuse(model: string, code: VebiErrorCode, ...patterns: RegExp[]): Promise<void> {
  await refuses(loadModel(model), code, patterns);
  await refuses(hashModel(model), code, patterns);
}

function mkfifo(file: string): boolean {
  try {
    execFileSync('mkfifo', [file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const noFifo = (() => {
  if (process.platform === 'win32') return 'no FIFOs on Windows';
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'no mkfifo on this machine';
  }
})();

async function setShardPath(file: string, shard: string): Promise<void> {
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  json.weightsManifest[0].paths = [shard];
  await fs.writeFile(file, JSON.stringify(json));
}

test('a FIFO given as the model, or as the model.json of a folder: NOT_A_REGULAR_FILE naming it, no hang', { skip: noFifo, timeout: 30_000 }, async () => {
  const dir = await tempDir();
  for (const name of ['pipe.json', 'pipe.keras', 'pipe.h5']) {
    assert.ok(mkfifo(path.join(dir, name)));
    await bothRefuse(path.join(dir, name), 'NOT_A_REGULAR_FILE', new RegExp(`${name} is a FIFO \\(named pipe\\)`));
  }
  assert.ok(mkfifo(path.join(dir, 'model.json')));
  await bothRefuse(dir, 'NOT_A_REGULAR_FILE', /model\.json is a FIFO/);
  await refuses(loadModel('/dev/zero'), 'NOT_A_REGULAR_FILE', [/\/dev\/zero is a character device/]);
  await fs.rm(dir, { recursive: true });
});

test('a FIFO shard, a shard linked to /dev/zero or named /dev/zero: refused by name, no hang', { skip: noFifo, timeout: 30_000 }, async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyModel(dir, buildLeNet);
  assert.ok(mkfifo(path.join(dir, 'fifo.bin')));
  await setShardPath(file, 'fifo.bin');
  await bothRefuse(file, 'NOT_A_REGULAR_FILE', /"fifo\.bin"/, /FIFO/);
  await fs.symlink('/dev/zero', path.join(dir, 'zero.bin'));
  await setShardPath(file, 'zero.bin');
  await bothRefuse(file, 'WEIGHTS_PATH_ESCAPES', /"zero\.bin"/, /resolves outside the model folder \(to \/dev\/zero\)/);
  await setShardPath(file, '/dev/zero');
  await bothRefuse(file, 'WEIGHTS_PATH_ESCAPES', /"\/dev\/zero"/, /absolute/);
  // A device node inside the folder (only root can make one).
  if (process.getuid?.() === 0) {
    execFileSync('mknod', [path.join(dir, 'dev.bin'), 'c', '1', '5']);
    await setShardPath(file, 'dev.bin');
    await bothRefuse(file, 'NOT_A_REGULAR_FILE', /"dev\.bin"/, /character device/);
  }
  await fs.rm(dir, { recursive: true });
});

test('the model hash covers model.json and every weight file, and names the same model the same way', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyModel(dir, buildLeNet);
  const data = await fs.readFile(path.join(dir, 'group1-shard1of1.bin'));
  const half = Math.ceil(data.length / 8) * 4;
  await fs.writeFile(path.join(dir, 'a.bin'), data.subarray(0, half));
  await fs.writeFile(path.join(dir, 'b.bin'), data.subarray(half));
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  json.weightsManifest[0].paths = ['a.bin', 'b.bin'];
  await fs.writeFile(file, JSON.stringify(json));

  const original = await hashModel(file);
  assert.equal(await hashModel(dir), original, 'the folder and its model.json are one model');
  const flip = (at: (bytes: Buffer) => number) => (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes);
    copy[at(copy)] ^= 0x40;
    return copy;
  };
  const mutations: [string, (bytes: Buffer) => Buffer][] = [
    ['model.json', (bytes) => Buffer.concat([bytes, Buffer.from(' ')])], // still the same JSON
    ['a.bin', flip(() => 0)],
    ['b.bin', flip((bytes) => bytes.length - 1)],
  ];
  for (const [name, mutate] of mutations) {
    const target = path.join(dir, name);
    const bytes = await fs.readFile(target);
    await fs.writeFile(target, mutate(bytes));
    assert.notEqual(await hashModel(file), original, `${name} changed`);
    await fs.writeFile(target, bytes);
  }
  assert.equal(await hashModel(file), original);

  const keras = path.join(dir, 'model.keras');
  await fs.writeFile(keras, Buffer.from('0123456789'));
  const kerasHash = await hashModel(keras);
  await fs.writeFile(keras, Buffer.from('0123456780'));
  assert.notEqual(await hashModel(keras), kerasHash);
  await fs.rm(dir, { recursive: true });
});

/** A .keras with the real test config and a model.weights.h5 entry built by the caller. */
async function writeArchive(file: string, weights: RawZipEntry, config?: RawZipEntry): Promise<void> {
  const text = Buffer.from(JSON.stringify(keras3FunctionalConfig()));
  await fs.writeFile(file, buildZip([config ?? zipEntry('config.json', text, deflateRawSync(text)), weights]));
}

/** Peak RSS growth (MB) while `run` runs, from the process's high-water mark. */
async function peakGrowthMb(run: () => Promise<void>): Promise<number> {
  const before = Math.max(process.resourceUsage().maxRSS * 1024, process.memoryUsage().rss);
  await run();
  return (process.resourceUsage().maxRSS * 1024 - before) / MiB;
}

test('a .keras decompression bomb: a lying declared size stops the inflation at once, an honest huge one is refused before it', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'bomb.keras');
  const started = performance.now();
  const zeros = await deflatedZeros(600); // 600 MiB of zeros in ~620 KB
  assert.ok(performance.now() - started < 3000, 'the bomb is made quickly');
  assert.ok(zeros.length < 1 * MiB);

  // The headers claim 1 MiB; the stream holds 600 MiB.
  await writeArchive(file, { name: 'model.weights.h5', data: zeros, method: 8, size: 1 * MiB });
  const growth = await peakGrowthMb(() => refuses(loadModel(file), 'MODEL_TOO_LARGE', [/bomb\.keras/, /"model\.weights\.h5"/, /more than the 1048576 bytes the archive declares/]));
  assert.ok(growth < 300, `peak RSS grew by ${growth.toFixed(0)} MB`);

  // The headers claim 3 GiB: refused from the directory, nothing inflated.
  await writeArchive(file, { name: 'model.weights.h5', data: zeros, method: 8, size: 3 * 1024 * MiB });
  await refuses(loadModel(file), 'MODEL_TOO_LARGE', [/"model\.weights\.h5" declares 3072\.0 MiB uncompressed, above VEBI's limit of 2048\.0 MiB/]);
  await fs.rm(dir, { recursive: true });
});

test('a config.json bomb (128 MiB of zeros): refused by its declared size, or as soon as it inflates past a lying one', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'config-bomb.keras');
  const zeros = await deflatedZeros(128);
  const weights = zipEntry('model.weights.h5', Buffer.from('unused'));
  await writeArchive(file, weights, { name: 'config.json', data: zeros, method: 8, size: 128 * MiB });
  await refuses(loadModel(file), 'MODEL_TOO_LARGE', [/"config\.json" declares 128\.0 MiB uncompressed, above VEBI's limit of 64\.0 MiB/]);
  await writeArchive(file, weights, { name: 'config.json', data: zeros, method: 8, size: 1000 });
  await refuses(loadModel(file), 'MODEL_TOO_LARGE', [/"config\.json" inflates to more than the 1000 bytes/]);
  await fs.rm(dir, { recursive: true });
});

test('truncated, encrypted, duplicated, unknown-method, short-declared and damaged archives: MODEL_CORRUPT naming file and entry', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const good = path.join(dir, 'good.keras');
  const model = referenceModel();
  await writeKerasArchive(model, good);
  model.dispose();
  const bytes = await fs.readFile(good);
  const bad = path.join(dir, 'bad.keras');
  const corrupt = async (content: Uint8Array, ...patterns: RegExp[]): Promise<void> => {
    await fs.writeFile(bad, content);
    await refuses(loadModel(bad), 'MODEL_CORRUPT', [/bad\.keras is not a readable \.keras archive/, ...patterns]);
  };
  await corrupt(bytes.subarray(0, bytes.length - 100), /truncated/);
  await corrupt(bytes.subarray(0, Math.floor(bytes.length / 2)), /truncated/);

  const text = Buffer.from(JSON.stringify(keras3FunctionalConfig()));
  const config = zipEntry('config.json', text, deflateRawSync(text));
  const weights = zipEntry('model.weights.h5', Buffer.from('h5'));
  await corrupt(buildZip([config, { ...weights, flags: 1 }]), /"model\.weights\.h5" is encrypted/);
  await corrupt(buildZip([config, weights, weights]), /"model\.weights\.h5" occurs twice/);
  await corrupt(buildZip([{ ...config, method: 14 }, weights]), /"config\.json" uses compression method 14/);
  await corrupt(buildZip([{ ...config, size: text.length + 10 }, weights]), /"config\.json" inflates to \d+ bytes, the archive declares \d+/);
  await corrupt(buildZip([{ ...config, crc: 1 }, weights]), /checksum of "config\.json"/);
  const damaged = Buffer.from(deflateRawSync(text));
  damaged.fill(0xff, 10, 40);
  await corrupt(buildZip([{ ...config, data: damaged }, weights]), /deflate data of "config\.json" is damaged/);
  (await loadModel(good)).dispose();
  await fs.rm(dir, { recursive: true });
});

test('an HDF5 weight declaring a huge shape is refused from its metadata, naming the dataset', { timeout: 30_000 }, async () => {
  await useBackend('wasm');
  const h5 = await h5wasm();
  const name = `/huge-${process.pid}.h5`;
  const root = new h5.File(name, 'w');
  const norm = root.create_group('layers').create_group('normalization').create_group('vars');
  norm.create_dataset({ name: '0', data: Float32Array.of(0.4, 0.5, 0.6), shape: [3] });
  norm.create_dataset({ name: '1', data: Float32Array.of(0.04, 0.09, 0.16), shape: [3] });
  const conv = (root.get('layers') as import('h5wasm').Group).create_group('conv2d').create_group('vars');
  // Chunked and resizable: grown to 100,000 x 100,000 x 3 x 8 (960 GB of float32), nothing stored.
  const huge = conv.create_dataset({ name: '0', data: new Float32Array(216), shape: [3, 3, 3, 8], dtype: '<f', maxshape: [null, null, 3, 8], chunks: [1, 1, 3, 8] });
  huge.resize([100_000, 100_000, 3, 8]);
  root.close();
  const weightsH5 = h5.FS?.readFile(name) as Uint8Array;
  h5.FS?.unlink(name);

  const dir = await tempDir();
  const file = path.join(dir, 'huge.keras');
  await fs.writeFile(file, zipSync({ 'config.json': new TextEncoder().encode(JSON.stringify(keras3FunctionalConfig())), 'model.weights.h5': weightsH5 }));
  const baseline = tf.memory().numTensors;
  await refuses(loadModel(file), 'MODEL_CORRUPT', [/huge\.keras: layer "conv1"/, /should have shape \[3, 3, 3, 8\]/, /"layers\/conv2d\/vars\/0" has \[100000, 100000, 3, 8\]/]);
  assert.equal(tf.memory().numTensors, baseline, 'the refused model left no tensor behind');
  await fs.rm(dir, { recursive: true });
});

/** Overwrites float32 values of a shard at value indices `at`. */
async function poke(shard: string, value: number, ...at: number[]): Promise<void> {
  const bytes = await fs.readFile(shard);
  for (const i of at) bytes.writeFloatLE(value, i * 4);
  await fs.writeFile(shard, bytes);
}

test('NaN / Inf weights: NON_FINITE naming the file, the layer or graph node and the count; no tensor left behind', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const baseline = tf.memory().numTensors;

  // LeNet's first weight is conv1's kernel (3x3x1x4 = 36 values).
  const layers = await writeTinyModel(path.join(dir, 'layers'), buildLeNet);
  await poke(path.join(dir, 'layers', 'group1-shard1of1.bin'), NaN, 0, 5, 35);
  await refuses(loadModel(layers), 'NON_FINITE', [/layers[/\\]model\.json/, /layer "conv1" weight "conv1\/kernel": 3 of 36 values/, /re-export it from a good checkpoint/]);
  assert.equal(tf.memory().numTensors, baseline);

  // The graph model's first weight is the node conv1/kernel (3x3x2x4 = 72 values).
  const graph = await writeTinyGraphModel(path.join(dir, 'graph'));
  await poke(path.join(dir, 'graph', 'group1-shard1of1.bin'), -Infinity, 71);
  await refuses(loadModel(graph), 'NON_FINITE', [/graph node "conv1\/kernel" weight "conv1\/kernel": 1 of 72 values/]);
  assert.equal(tf.memory().numTensors, baseline);

  const keras = path.join(dir, 'inf.keras');
  const model = referenceModel();
  const conv1 = model.getLayer('conv1');
  const kernel = conv1.getWeights()[0];
  const values = kernel.dataSync().slice();
  values[7] = Infinity;
  const withInf = tf.tensor(values, kernel.shape);
  conv1.setWeights([withInf]);
  await writeKerasArchive(model, keras);
  model.dispose();
  tf.dispose([kernel, withInf]);
  const before = tf.memory().numTensors;
  await refuses(loadModel(keras), 'NON_FINITE', [/inf\.keras/, /layer "conv1" weight "conv1\/kernel": 1 of 216 values/]);
  assert.equal(tf.memory().numTensors, before);
  await fs.rm(dir, { recursive: true });
});
