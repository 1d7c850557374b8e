/**
 * The result cache's content hashes must change whenever a cached result could be stale: the model
 * hash with the weights (not only model.json), the data-listing hash with each file's size,
 * modification time, name, class folder and label, over the whole listing. (model-safety.test.ts
 * covers byte flips in a model split by hand; these are the everyday cases.)
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { hashDataListing, hashModel, modelFiles } from '../../src/engine/cache/content-hash';
import { scanDataset } from '../../src/engine/data';
import type { DatasetItem } from '../../src/engine/data';
import { saveLayersModel, WEIGHTS_FILE } from '../../src/engine/model';
import { useBackend } from '../helpers/backend';
import { makeImageFolder } from '../helpers/make-image-folder';
import { buildLeNet, writeTinyModel } from '../helpers/tiny-models';

let tmp: string;
before(async () => {
  await useBackend('wasm');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-content-hash-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('a retrained model (same model.json, other weights) hashes differently; the same model the same', async () => {
  const first = await writeTinyModel(path.join(tmp, 'trained-1'), buildLeNet, 1);
  const again = await writeTinyModel(path.join(tmp, 'trained-1-again'), buildLeNet, 1);
  const retrained = await writeTinyModel(path.join(tmp, 'trained-2'), buildLeNet, 2);
  const json = await fs.readFile(first);
  assert.deepEqual(await fs.readFile(retrained), json, 'the fixture: retraining leaves model.json as it was');
  const weights = (file: string) => fs.readFile(path.join(path.dirname(file), WEIGHTS_FILE));
  assert.notDeepEqual(await weights(retrained), await weights(first), 'the fixture: the weights differ');

  assert.deepEqual(
    (await modelFiles(first)).map((part) => part.name),
    ['model.json', WEIGHTS_FILE],
    'the hashed parts are model.json and its weight file',
  );
  assert.equal(await hashModel(again), await hashModel(first), 'the same model saved twice');
  assert.notEqual(await hashModel(retrained), await hashModel(first), 'retrained weights change the hash');
});

test('a weight change past the first 64 KiB of a large weight file changes the hash', async () => {
  const net = tf.sequential({ name: 'wide' });
  net.add(tf.layers.flatten({ name: 'flat', inputShape: [16, 16, 1] }));
  net.add(tf.layers.dense({ name: 'scores', units: 100, activation: 'softmax' }));
  const file = await saveLayersModel(net, path.join(tmp, 'wide'));
  net.dispose();
  const shard = path.join(path.dirname(file), WEIGHTS_FILE);
  const bytes = await fs.readFile(shard);
  assert.ok(bytes.length > 96 * 1024, `the fixture: ${bytes.length} bytes, more than one read chunk`);
  const original = await hashModel(file);
  const changed = Buffer.from(bytes);
  changed[bytes.length - 5] ^= 0x01; // a bias near the end of the file
  await fs.writeFile(shard, changed);
  assert.notEqual(await hashModel(file), original);
  await fs.writeFile(shard, bytes);
  assert.equal(await hashModel(file), original);
});

const FIXED = 1_600_000_000; // seconds: whole, so the stat gives it back exactly

async function fixTimes(items: DatasetItem[]): Promise<void> {
  await Promise.all(items.map((item) => fs.utimes(item.path, FIXED, FIXED)));
}

test('the data-listing hash changes with a file size (same mtime), an mtime (same bytes), a file name, a class folder name and a label', async () => {
  const folder = await makeImageFolder(path.join(tmp, 'data'), { classes: 2, perClass: 2, size: 4, channels: 1, classNames: ['cat', 'dog'] });
  let { items } = await scanDataset(folder.root);
  await fixTimes(items);
  const baseline = await hashDataListing(items);
  assert.equal(await hashDataListing(items), baseline, 'deterministic');
  const file = items[1].path;
  const bytes = await fs.readFile(file);

  // Size: the same modification time, one byte more.
  await fs.writeFile(file, Buffer.concat([bytes, Buffer.from([0])]));
  await fs.utimes(file, FIXED, FIXED);
  assert.equal((await fs.stat(file)).mtimeMs, FIXED * 1000);
  assert.notEqual(await hashDataListing(items), baseline, 'a changed size changes the hash');
  await fs.writeFile(file, bytes);
  await fs.utimes(file, FIXED, FIXED);
  assert.equal(await hashDataListing(items), baseline, 'restored');

  // Modification time: the same bytes, touched.
  await fs.utimes(file, FIXED, FIXED + 60);
  assert.equal((await fs.stat(file)).size, bytes.length);
  assert.notEqual(await hashDataListing(items), baseline, 'a changed mtime changes the hash');
  await fs.utimes(file, FIXED, FIXED);
  assert.equal(await hashDataListing(items), baseline, 'restored');

  // A file renamed (rename keeps size and mtime).
  const renamed = path.join(path.dirname(file), 'renamed.png');
  await fs.rename(file, renamed);
  assert.notEqual(await hashDataListing((await scanDataset(folder.root)).items), baseline, 'a renamed file changes the hash');
  await fs.rename(renamed, file);

  // A class folder renamed: the same files, labels and order under another class name.
  await fs.rename(path.join(folder.root, 'dog'), path.join(folder.root, 'doh'));
  const renamedClass = await scanDataset(folder.root);
  assert.deepEqual(renamedClass.items.map((item) => item.label), items.map((item) => item.label));
  assert.notEqual(await hashDataListing(renamedClass.items), baseline, 'a renamed class folder changes the hash');
  await fs.rename(path.join(folder.root, 'doh'), path.join(folder.root, 'dog'));
  items = (await scanDataset(folder.root)).items;
  assert.equal(await hashDataListing(items), baseline, 'restored');

  // Labels swapped, paths and order unchanged (a model whose class order differs).
  assert.notEqual(await hashDataListing(items.map((item) => ({ ...item, label: 1 - item.label }))), baseline, 'a changed label changes the hash');

  // A file gone since the scan.
  await fs.rm(file);
  assert.notEqual(await hashDataListing(items), baseline, 'a vanished file changes the hash');
  await fs.writeFile(file, bytes);
  await fs.utimes(file, FIXED, FIXED);
  assert.equal(await hashDataListing(items), baseline, 'restored');
});

test('the data-listing hash covers every file of a long listing (stat in chunks), the last one included', async () => {
  const dir = path.join(tmp, 'many', 'c');
  await fs.mkdir(dir, { recursive: true });
  const items: DatasetItem[] = [];
  for (let i = 0; i < 600; i++) {
    const name = `${String(i).padStart(4, '0')}.png`;
    items.push({ path: path.join(dir, name), relPath: `c/${name}`, label: 0 });
  }
  await Promise.all(items.map((item) => fs.writeFile(item.path, 'x')));
  await fixTimes(items);
  const baseline = await hashDataListing(items);
  for (const index of [300, 599]) {
    await fs.utimes(items[index].path, FIXED, FIXED + 1);
    assert.notEqual(await hashDataListing(items), baseline, `file ${index}'s mtime`);
    await fs.utimes(items[index].path, FIXED, FIXED);
    await fs.writeFile(items[index].path, 'xy');
    await fs.utimes(items[index].path, FIXED, FIXED);
    assert.notEqual(await hashDataListing(items), baseline, `file ${index}'s size`);
    await fs.writeFile(items[index].path, 'x');
    await fs.utimes(items[index].path, FIXED, FIXED);
  }
  assert.equal(await hashDataListing(items), baseline);
});
