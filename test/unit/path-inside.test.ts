/**
 * The extension host explains a dataset image the webview names by its relative path only when it
 * resolves strictly inside the interpreted data folder: a sibling folder whose name starts the same
 * (/d/train2 next to /d/train), the folder itself and ".." escapes are refused.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { isInsideFolder, resolveInsideFolder } from '../../src/extension/path-inside';

const root = path.resolve('/d/train');
const p = (...parts: string[]) => path.resolve('/', ...parts);

test('isInsideFolder: files and folders below the root are inside; the root, its parent and its siblings are not', () => {
  assert.ok(isInsideFolder(root, p('d', 'train', 'a', 'x.png')));
  assert.ok(isInsideFolder(root, p('d', 'train', 'x.png')));
  assert.ok(isInsideFolder(root, p('d', 'train', '..x.png')), 'a name that starts with two dots is still a name');
  assert.ok(!isInsideFolder(root, p('d', 'train2', 'x.png')), 'a sibling whose name extends the root');
  assert.ok(!isInsideFolder(root, p('d', 'train2')));
  assert.ok(!isInsideFolder(root, p('d', 'train-extra', 'x.png')));
  assert.ok(!isInsideFolder(root, root), 'the root itself is not inside it');
  assert.ok(!isInsideFolder(root, p('d')));
  assert.ok(!isInsideFolder(root, p('d', 'val', 'x.png')));
  assert.ok(!isInsideFolder(root, p('etc', 'passwd')));
  // Unnormalised spellings are judged by where they lead.
  assert.ok(isInsideFolder(root, `${p('d', 'train', 'a')}${path.sep}..${path.sep}x.png`));
  assert.ok(!isInsideFolder(root, `${root}${path.sep}..${path.sep}train2${path.sep}x.png`));
  assert.ok(isInsideFolder(`${root}${path.sep}`, p('d', 'train', 'x.png')), 'a trailing separator on the root changes nothing');
});

test('resolveInsideFolder: a relative path from the webview, resolved against the data folder', () => {
  assert.equal(resolveInsideFolder(root, 'a/x.png'), p('d', 'train', 'a', 'x.png'));
  assert.equal(resolveInsideFolder(root, 'a/../b/x.png'), p('d', 'train', 'b', 'x.png'), '".." that stays inside');
  assert.equal(resolveInsideFolder(root, '../train2/x.png'), undefined, '".." into a sibling with the same prefix');
  assert.equal(resolveInsideFolder(root, '../train/x.png'), p('d', 'train', 'x.png'), '".." out and back in lands inside');
  assert.equal(resolveInsideFolder(root, 'a/../../x.png'), undefined);
  assert.equal(resolveInsideFolder(root, '..'), undefined);
  assert.equal(resolveInsideFolder(root, '.'), undefined, 'the folder itself is no image');
  assert.equal(resolveInsideFolder(root, 'a/..'), undefined);
  assert.equal(resolveInsideFolder(root, ''), undefined);
  assert.equal(resolveInsideFolder(root, p('d', 'train2', 'x.png')), undefined, 'an absolute path outside');
  assert.equal(resolveInsideFolder(root, p('d', 'train', 'x.png')), p('d', 'train', 'x.png'), 'an absolute path inside');
});
