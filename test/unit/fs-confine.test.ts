/**
 * confine: isInside / isSameOrInside (what counts as inside a folder, for refusing outputs over
 * inputs) and the messages of confinedJoin / confinedRealPath naming the file a path came from.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confinedJoin, confinedRealPath, isInside, isSameOrInside } from '../../src/engine/fs/confine';
import type { ConfineOptions } from '../../src/engine/fs/confine';
import { rejectsWith } from '../helpers/rejects-with';

let root: string;
const options: ConfineOptions = { code: 'REPORT_INVALID', source: '/src/report.json', hint: 'Fix it.' };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-confine-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('isInside: strictly inside only; the parent, a sibling with a longer name and the folder itself are not', () => {
  assert.equal(isInside('/a/b', '/a/b/c'), true);
  assert.equal(isInside('/a/b', '/a/b'), false);
  assert.equal(isInside('/a/b', '/a'), false);
  assert.equal(isInside('/a/b', '/a/bc'), false);
  assert.equal(isInside('/a/b', '/a/c/d'), false);
  // A name starting with two dots is inside.
  assert.equal(isInside('/a/b', '/a/b/..c'), true);
});

test('isSameOrInside: the folder itself and what it holds, lexically', () => {
  assert.equal(isSameOrInside('/a/b', '/a/b'), true);
  assert.equal(isSameOrInside('/a/b/', '/a/x/../b'), true);
  assert.equal(isSameOrInside('/a/b', '/a/b/c'), true);
  assert.equal(isSameOrInside('/a/b', '/a'), false);
  assert.equal(isSameOrInside('/a/b', '/a/bc'), false);
});

test('confinedJoin: the joined path, or an error naming the source file and why', () => {
  assert.equal(confinedJoin('/r', 'x/y.png', options), '/r/x/y.png');
  assert.throws(
    () => confinedJoin('/r', 5, options),
    (e: Error & { code?: string; path?: string }) => {
      assert.equal(e.message, 'The path "5" in /src/report.json is not a string; paths in this file must stay inside its folder. Fix it.');
      assert.equal(e.code, 'REPORT_INVALID');
      assert.equal(e.path, '/src/report.json');
      return true;
    },
  );
  assert.throws(() => confinedJoin('/r', '../x', options), /^VebiError: The path "\.\.\/x" in \/src\/report\.json climbs out/);
});

test('confinedRealPath: a link inside is resolved, a link outside refused naming its target, a missing file returned as is', async () => {
  await fs.mkdir(path.join(root, 'in'));
  await fs.writeFile(path.join(root, 'in/real.txt'), 'x');
  await fs.symlink(path.join(root, 'in/real.txt'), path.join(root, 'in/inner'));
  await fs.symlink(path.join(root, 'outside.txt'), path.join(root, 'in/escape'));
  await fs.writeFile(path.join(root, 'outside.txt'), 'y');
  const dir = path.join(root, 'in');
  assert.equal(await confinedRealPath(dir, 'inner', options), path.join(dir, 'real.txt'));
  assert.equal(await confinedRealPath(dir, 'missing', options), path.join(dir, 'missing'));
  const error = await rejectsWith(() => confinedRealPath(dir, 'escape', options), 'REPORT_INVALID', '/src/report.json');
  assert.equal(error.message, `The path "escape" in /src/report.json is a link that resolves outside its folder (to ${path.join(root, 'outside.txt')}); paths in this file must stay inside its folder. Fix it.`);
});
