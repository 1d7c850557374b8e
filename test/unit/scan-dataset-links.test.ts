/**
 * Symlinked folders inside a class folder: followed once (a loop or a folder linked twice is read
 * once, and the scan ends), never into the dataset itself, a folder that holds it, or another class.
 * (dataset.test.ts covers links at the top of a class folder to the root and to another class.)
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanDataset } from '../../src/engine/data';

const noSymlinks = process.platform === 'win32' && 'symlinks need privileges on Windows';

let tmp: string;
before(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-scan-links-')));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function touch(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, 'not decoded by the scan');
}

test('a symlink loop inside a class folder ends the scan with each image once, under its own path', { skip: noSymlinks }, async () => {
  const root = path.join(tmp, 'loop');
  for (const rel of ['a/1.png', 'a/2.png', 'a/sub/3.png', 'a/sub/deep/4.png', 'b/5.png']) await touch(path.join(root, rel));
  await fs.symlink('..', path.join(root, 'a', 'sub', 'up')); // -> a: its ancestor
  await fs.symlink('.', path.join(root, 'a', 'sub', 'deep', 'self')); // -> itself
  await fs.symlink('../..', path.join(root, 'a', 'sub', 'deep', 'back')); // -> a again, two levels up
  await fs.symlink(path.join(root, 'a'), path.join(root, 'a', 'absolute')); // -> a, absolute
  const scanned = await scanDataset(root);
  assert.deepEqual(scanned.classes, ['a', 'b']);
  assert.deepEqual(
    scanned.items.map((item) => [item.relPath, item.label]),
    [
      ['a/1.png', 0],
      ['a/2.png', 0],
      ['a/sub/3.png', 0],
      ['a/sub/deep/4.png', 0],
      ['b/5.png', 1],
    ],
  );
});

test('deep inside a class folder, links to the dataset, to a folder holding it and into another class are not followed; an outside folder linked twice is read once', { skip: noSymlinks }, async () => {
  const outer = path.join(tmp, 'outer');
  const root = path.join(outer, 'data');
  const outside = path.join(tmp, 'outside');
  for (const rel of ['a/1.png', 'a/sub/2.png', 'b/3.png', 'b/inner/4.png']) await touch(path.join(root, rel));
  await touch(path.join(outer, 'stray.png')); // next to the dataset: no class's image
  for (const rel of ['o1.png', 'o2.png']) await touch(path.join(outside, rel));
  const sub = path.join(root, 'a', 'sub');
  await fs.symlink('../..', path.join(sub, 'root')); // the dataset itself
  await fs.symlink(outer, path.join(sub, 'outer')); // a folder that holds the dataset
  await fs.symlink('../../b/inner', path.join(sub, 'into-b')); // inside another class
  await fs.symlink(path.join(root, 'b'), path.join(sub, 'class-b')); // another class, absolute
  await fs.symlink(outside, path.join(sub, 'ext1'));
  await fs.symlink(outside, path.join(sub, 'ext2'));
  await fs.symlink(outside, path.join(root, 'b', 'ext')); // and once more from the other class
  const scanned = await scanDataset(root);
  assert.deepEqual(scanned.classes, ['a', 'b']);
  const own = scanned.items.filter((item) => !/\/ext\d?\//.test(item.relPath));
  assert.deepEqual(
    own.map((item) => [item.relPath, item.label]),
    [
      ['a/1.png', 0],
      ['a/sub/2.png', 0],
      ['b/3.png', 1],
      ['b/inner/4.png', 1],
    ],
    'nothing through root, outer, into-b or class-b',
  );
  const linked = scanned.items.filter((item) => /\/ext\d?\//.test(item.relPath));
  assert.deepEqual(linked.map((item) => path.basename(item.path)).sort(), ['o1.png', 'o2.png'], 'the outside folder is followed, its images counted once');
  assert.equal(new Set(linked.map((item) => path.dirname(item.relPath))).size, 1, 'all through the same link');
  assert.equal(new Set(scanned.items.map((item) => item.path)).size, scanned.items.length);
});
