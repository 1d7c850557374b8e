/**
 * listFolderTree: sorted '/'-separated paths with sizes, links and FIFOs apart (never followed),
 * and the entry limit that marks the listing truncated.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listFolderTree } from '../../src/engine/fs/folder-tree';

let root: string;

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-folder-tree-')));
  // Created out of order so that only sorting gives the expected order.
  for (const name of ['m', 'b', 'z', 'a', 'c']) await fs.writeFile(path.join(root, name), name.repeat(name.charCodeAt(0) - 96));
  await fs.mkdir(path.join(root, 'd/e'), { recursive: true });
  await fs.writeFile(path.join(root, 'd/e/f.txt'), '12345');
  await fs.writeFile(path.join(root, 'd/ab'), '');
  await fs.symlink(path.join(root, 'a'), path.join(root, 'link-to-file'));
  await fs.symlink(path.join(root, 'd'), path.join(root, 'link-to-dir'));
  assert.equal(spawnSync('mkfifo', [path.join(root, 'd/pipe')]).status, 0);
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('files sorted by name with their sizes, nested paths joined by /, links and FIFOs as others', async () => {
  const tree = await listFolderTree(root);
  assert.deepEqual(tree.files, [
    { path: 'a', bytes: 1 },
    { path: 'b', bytes: 2 },
    { path: 'c', bytes: 3 },
    { path: 'd/ab', bytes: 0 },
    { path: 'd/e/f.txt', bytes: 5 },
    { path: 'm', bytes: 13 },
    { path: 'z', bytes: 26 },
  ]);
  assert.deepEqual(tree.others, ['d/pipe', 'link-to-dir', 'link-to-file']);
  assert.equal(tree.truncated, false);
});

test('sorted by UTF-16 code units, not by the bytes readdir sorts by: an emoji before a fullwidth sign', async () => {
  const dir = await fs.mkdtemp(path.join(root, 'unicode-'));
  // U+1F600 is a surrogate pair (0xD83D...), below U+FF01 in UTF-16 but above it in UTF-8 bytes.
  for (const name of ['\uFF01', '\u{1F600}', 'b', '\uFF02', '\u{1F601}', 'a']) await fs.writeFile(path.join(dir, name), '');
  const tree = await listFolderTree(dir);
  assert.deepEqual(tree.files.map((f) => f.path), ['a', 'b', '\u{1F600}', '\u{1F601}', '\uFF01', '\uFF02']);
});

test('the entry limit: exactly maxEntries entries is complete, one fewer is truncated', async () => {
  const flat = await fs.mkdtemp(path.join(root, 'flat-'));
  for (const name of ['x', 'y', 'w']) await fs.writeFile(path.join(flat, name), '');
  assert.deepEqual(await listFolderTree(flat, 3), { files: [{ path: 'w', bytes: 0 }, { path: 'x', bytes: 0 }, { path: 'y', bytes: 0 }], others: [], truncated: false });
  assert.deepEqual(await listFolderTree(flat, 2), { files: [{ path: 'w', bytes: 0 }, { path: 'x', bytes: 0 }], others: [], truncated: true });
  assert.deepEqual(await listFolderTree(flat, 0), { files: [], others: [], truncated: true });
});

test('truncation inside a subfolder stops the whole walk', async () => {
  const nested = await fs.mkdtemp(path.join(root, 'nested-'));
  await fs.mkdir(path.join(nested, 'a'));
  for (const name of ['1', '2', '3']) await fs.writeFile(path.join(nested, 'a', name), '');
  await fs.writeFile(path.join(nested, 'b'), '');
  const tree = await listFolderTree(nested, 3);
  assert.deepEqual(tree.files.map((f) => f.path), ['a/1', 'a/2']);
  assert.equal(tree.truncated, true);
});
