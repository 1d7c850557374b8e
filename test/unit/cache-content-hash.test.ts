/**
 * The exact content hashes (names, sizes and bytes of each model file; path, label, size, mtime
 * and kind of each data file), computed here independently, so that any change to what is
 * hashed shows. Small hand-written models: no TF.js needed.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashDataListing, hashModel, hashParts } from '../../src/engine/cache/content-hash';
import { rejectsWith } from '../helpers/rejects-with';
import type { DatasetItem } from '../../src/engine/data';

let root: string;
const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-cache-hash-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('a TF.js model: model.json (name, size, bytes) then each shard (name, size, bytes)', async () => {
  const dir = path.join(root, 'tfjs');
  await fs.mkdir(dir);
  const json = JSON.stringify({
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [] } },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [2], dtype: 'float32' }] }],
  });
  const weights = Buffer.from('abcdefgh');
  await fs.writeFile(path.join(dir, 'model.json'), json);
  await fs.writeFile(path.join(dir, 'w.bin'), weights);
  const expected = sha(`model.json\0${Buffer.byteLength(json)}\0`, json, `w.bin\0${weights.length}\0`, weights);
  assert.equal(await hashModel(path.join(dir, 'model.json')), expected);
});

test('a single-file model (.h5): its name, size and every byte, small or larger than a stream chunk', async () => {
  const big = Buffer.alloc(200 * 1024 + 7);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  for (const content of [Buffer.from('HDF5 bytes'), big]) {
    const file = path.join(root, 'm.h5');
    await fs.writeFile(file, content);
    assert.equal(await hashModel(file), sha(`m.h5\0${content.length}\0`, content));
  }
});

test('a model file above the 2 GiB limit is refused before a byte is hashed (a sparse file: instant)', async () => {
  const file = path.join(root, 'huge.h5');
  const handle = await fs.open(file, 'w');
  await handle.truncate(2 * 1024 * 1024 * 1024);
  await handle.close();
  const error = await rejectsWith(() => hashModel(file), 'MODEL_TOO_LARGE', file);
  assert.equal(error.message, `Model file ${file} is 2048.0 MiB, above the limit of 2048.0 MiB. Check that this file really is the model, or export a smaller one.`);
  await fs.rm(file);
});

test('the data listing: one line per item with size, mtime and kind, or "missing", over chunks of 256', async () => {
  const dir = path.join(root, 'data');
  await fs.mkdir(path.join(dir, 'sub'), { recursive: true });
  const items: DatasetItem[] = [];
  for (let i = 0; i < 257; i++) {
    const file = path.join(dir, `${i}.png`);
    await fs.writeFile(file, 'x'.repeat(i % 3));
    items.push({ path: file, relPath: `${i}.png`, label: i % 2 });
  }
  items.push({ path: path.join(dir, 'gone.png'), relPath: 'gone.png', label: 1 });
  items.push({ path: path.join(dir, 'sub'), relPath: 'sub', label: 0 });
  const lines: string[] = [];
  for (const item of items) {
    const stat = await fs.stat(item.path).catch(() => undefined);
    lines.push(`${item.relPath}\0${item.label}\0${stat ? `${stat.size}\0${stat.mtimeMs}\0${stat.isFile() ? 'file' : 'other'}` : 'missing'}\n`);
  }
  assert.match(lines[257], /^gone\.png\x001\x00missing\n$/);
  assert.match(lines[258], /\x00other\n$/);
  assert.match(lines[0], /\x00file\n$/);
  assert.equal(await hashDataListing(items), sha(...lines));
  assert.equal(await hashDataListing([]), sha());
});

test('hashParts hashes the JSON of its parts', () => {
  assert.equal(hashParts([1, 'a', { b: 2 }]), sha('[1,"a",{"b":2}]'));
});
