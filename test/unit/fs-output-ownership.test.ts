/**
 * ownershipProblem: which existing folders VEBI agrees to replace (missing, empty, a manifest
 * listing every file, a legacy folder with a VEBI result file) and what it says when it refuses.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ownershipProblem } from '../../src/engine/fs/output-ownership';
import { writeOutputManifest } from '../../src/engine/fs/output-manifest';
import { writeFiles } from '../helpers/write-files';

let root: string;
let count = 0;
const VEBI = JSON.stringify({ tool: { name: 'vebi' } });

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-ownership-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

/** A fresh folder holding `files` (name -> text). */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = path.join(root, `f${count++}`);
  await writeFiles(dir, files);
  return dir;
}

test('missing and empty folders may be replaced; links, files and FIFOs may not', async () => {
  assert.equal(await ownershipProblem(path.join(root, 'missing'), 'explanation'), undefined);
  assert.equal(await ownershipProblem(await folder({}), 'explanation'), undefined);
  const link = path.join(root, 'link');
  await fs.symlink(await folder({}), link);
  assert.equal(await ownershipProblem(link, 'explanation'), 'is a symbolic link; VEBI replaces only real folders it wrote');
  const file = path.join(root, 'file');
  await fs.writeFile(file, 'x');
  assert.equal(await ownershipProblem(file, 'explanation'), 'is a file, not a folder');
  const fifo = path.join(root, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.equal(await ownershipProblem(fifo, 'explanation'), 'is a FIFO (named pipe)');
});

test('a folder holding only a link is not empty', async () => {
  const dir = await folder({});
  await fs.symlink('/etc/hostname', path.join(dir, 'l'));
  assert.equal(await ownershipProblem(dir, 'explanation'), 'is a folder VEBI did not write (it holds l)');
});

test('a legacy folder is recognised by each result file VEBI wrote, with tool vebi', async () => {
  for (const name of ['report.json', 'explanation.json', 'compare.json', 'localization.json', 'ablation.json', 'sanity.json', 'dataset.json']) {
    assert.equal(await ownershipProblem(await folder({ [name]: VEBI }), 'explanation'), undefined, name);
    // The same file not written by VEBI is refused.
    assert.equal(await ownershipProblem(await folder({ [name]: '{"tool":{"name":"other"}}' }), 'explanation'), `is a folder VEBI did not write (it holds ${name})`, name);
  }
  // The flowers generator's dataset.
  assert.equal(await ownershipProblem(await folder({ 'dataset.json': '{"generator":{"name":"vebi-flowers"}}' }), 'dataset'), undefined);
  assert.ok(await ownershipProblem(await folder({ 'dataset.json': '{"generator":{"name":"flowers"}}' }), 'dataset'));
  // A result file that is not an object, null or not JSON is not VEBI's (and does not throw).
  for (const text of ['null', '5', '"vebi"', 'not json {']) {
    assert.equal(await ownershipProblem(await folder({ 'report.json': text }), 'explanation'), 'is a folder VEBI did not write (it holds report.json)', text);
  }
  // Only at the top: a nested report.json does not count.
  assert.ok(await ownershipProblem(await folder({ 'sub/report.json': VEBI }), 'explanation'));
});

test('a legacy folder holds only the kinds of files VEBI writes, and no links', async () => {
  const files = { 'report.json': VEBI, 'a.png': '', 'B.PNG': '', 'c.html': '', 'd.f32': '', 'e.md': '', 'f.csv': '', 'g.json': '{}' };
  assert.equal(await ownershipProblem(await folder(files), 'explanation'), undefined);
  assert.equal(await ownershipProblem(await folder({ ...files, 'notes.txt': '' }), 'explanation'), 'is a folder VEBI did not write (it holds B.PNG, a.png, c.html, ... (9 in all))');
  const linked = await folder({ 'report.json': VEBI });
  await fs.symlink('/etc/hostname', path.join(linked, 'x.png'));
  assert.equal(await ownershipProblem(linked, 'explanation'), 'is a folder VEBI did not write (it holds report.json, x.png)');
});

test('the names listed: three at most, with the count beyond', async () => {
  assert.equal(await ownershipProblem(await folder({ a: '', b: '', c: '' }), 'explanation'), 'is a folder VEBI did not write (it holds a, b, c)');
  assert.equal(await ownershipProblem(await folder({ a: '', b: '', c: '', d: '' }), 'explanation'), 'is a folder VEBI did not write (it holds a, b, c, ... (4 in all))');
});

test('a legacy model folder: only model.json, vebi.json and top-level .bin shards', async () => {
  const ok = { 'model.json': '{}', 'vebi.json': '{}', 'group1-shard1of2.bin': '', 'x.bin': '' };
  assert.equal(await ownershipProblem(await folder(ok), 'model'), undefined);
  for (const extra of ['notes.txt', 'xmodel.json', 'model.json.bak', 'sub/w.bin', 'report.json']) {
    assert.ok(await ownershipProblem(await folder({ ...ok, [extra]: VEBI }), 'model'), extra);
  }
  assert.ok(await ownershipProblem(await folder({ 'notes.txt': '' }), 'model'));
  // A model folder is never judged by a result file, and an explanation folder never holds shards.
  assert.ok(await ownershipProblem(await folder({ 'report.json': VEBI, 'x.bin': '' }), 'explanation'));
});

test('a result file above 64 MiB is not read: the folder is refused', async () => {
  const limit = 64 * 1024 * 1024;
  const padded = (size: number) => VEBI + ' '.repeat(size - VEBI.length);
  const exact = await folder({ 'report.json': padded(limit) });
  assert.equal(await ownershipProblem(exact, 'explanation'), undefined);
  await fs.rm(exact, { recursive: true });
  const big = await folder({ 'report.json': padded(limit + 1) });
  assert.equal(await ownershipProblem(big, 'explanation'), 'is a folder VEBI did not write (it holds report.json)');
  await fs.rm(big, { recursive: true });
});

test('with a manifest: every file listed is VEBI\'s; any other file or link is named', async () => {
  const dir = await folder({ 'a.txt': 'a', 'sub/b.bin': 'b' });
  await writeOutputManifest(dir, 'explanation');
  assert.equal(await ownershipProblem(dir, 'explanation'), undefined);
  await fs.writeFile(path.join(dir, 'extra.txt'), '');
  await fs.symlink('/etc/hostname', path.join(dir, 'l'));
  assert.equal(await ownershipProblem(dir, 'explanation'), 'holds files VEBI did not write (l, extra.txt)');
  const bad = await folder({ 'vebi-output.json': '{"tool":"other"}' });
  assert.match((await ownershipProblem(bad, 'explanation')) ?? '', /^has a vebi-output\.json VEBI cannot trust \(Manifest .*vebi-output\.json/);
});
