/** copyTree itself: a cancelled signal stops the copy before any file is written. */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyTree } from '../../src/engine/fs/copy-tree';
import { rejectsWith } from '../helpers/rejects-with';

let root: string;

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-copy-tree-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('an aborted signal: CANCELLED and nothing copied; without one, everything is', async () => {
  const source = path.join(root, 'src');
  await fs.mkdir(path.join(source, 'sub'), { recursive: true });
  await fs.writeFile(path.join(source, 'sub', 'a.png'), 'a');
  await fs.mkdir(path.join(root, 'cancelled'));
  const controller = new AbortController();
  controller.abort();
  await rejectsWith(() => copyTree(source, path.join(root, 'cancelled'), controller.signal), 'CANCELLED');
  assert.deepEqual(await fs.readdir(path.join(root, 'cancelled')), []);
  await fs.mkdir(path.join(root, 'copied'));
  await copyTree(source, path.join(root, 'copied'), new AbortController().signal);
  assert.equal(await fs.readFile(path.join(root, 'copied', 'sub', 'a.png'), 'utf8'), 'a');
});
