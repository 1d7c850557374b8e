/**
 * vebi-output.json: what writeOutputManifest lists (sizes, SHA-256, not itself), what
 * readOutputManifest refuses (with the file named), and each mismatch manifestMismatch reports.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manifestMismatch, readOutputManifest, writeOutputManifest } from '../../src/engine/fs/output-manifest';
import { rejectsWith } from '../helpers/rejects-with';
import { writeFiles } from '../helpers/write-files';

let root: string;
let count = 0;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-manifest-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

async function folder(files: Record<string, string>): Promise<string> {
  const dir = path.join(root, `f${count++}`);
  await writeFiles(dir, files);
  return dir;
}

test('the manifest lists each file with its size and SHA-256 (empty files included) and is read back', async () => {
  const dir = await folder({ 'a.txt': 'hello', 'empty': '', 'sub/b.bin': 'bytes' });
  const fds = readdirSync('/proc/self/fd').length;
  const written = await writeOutputManifest(dir, 'explanation');
  // The handle is closed once the manifest is written.
  assert.equal(readdirSync('/proc/self/fd').length, fds);
  assert.deepEqual(written.files, [
    { path: 'a.txt', bytes: 5, sha256: sha('hello') },
    { path: 'empty', bytes: 0, sha256: sha('') },
    { path: 'sub/b.bin', bytes: 5, sha256: sha('bytes') },
  ]);
  assert.equal(written.tool, 'vebi');
  assert.equal(written.kind, 'explanation');
  assert.deepEqual(await readOutputManifest(dir), written);
  assert.equal(await manifestMismatch(dir, written, { hashes: true }), undefined);
  // Written once: a second manifest is refused rather than overwritten.
  await assert.rejects(writeOutputManifest(dir, 'explanation'), { code: 'EEXIST' });
});

test('no manifest: undefined; an invalid one: REPORT_INVALID naming the file and what to do', async () => {
  assert.equal(await readOutputManifest(await folder({})), undefined);
  const dir = await folder({ 'vebi-output.json': '{"tool":"other"}' });
  const file = path.join(dir, 'vebi-output.json');
  const error = await rejectsWith(() => readOutputManifest(dir), 'REPORT_INVALID', file);
  assert.ok(error.message.startsWith(`Manifest ${file}`), error.message);
  assert.ok(error.message.includes('It is not a manifest VEBI wrote: delete the folder or re-run VEBI.'), error.message);
});

test('a manifest listing a path that leads outside is refused, naming the manifest', async () => {
  const dir = await folder({ 'a.txt': 'a' });
  const manifest = await writeOutputManifest(dir, 'explanation');
  const file = path.join(dir, 'vebi-output.json');
  await fs.writeFile(file, JSON.stringify({ ...manifest, files: [{ path: 'x/./../../a.txt', bytes: 1, sha256: sha('a') }] }));
  const error = await rejectsWith(() => readOutputManifest(dir), 'REPORT_INVALID', file);
  assert.ok(error.message.includes(file), error.message);
});

test('each mismatch is named: a link, a missing file, another size, other content, an unlisted file', async () => {
  const dir = await folder({ 'a.txt': 'aaa', 'b.txt': 'bb' });
  const manifest = await writeOutputManifest(dir, 'explanation');
  assert.equal(await manifestMismatch(dir, manifest, { hashes: true }), undefined);

  await fs.writeFile(path.join(dir, 'a.txt'), 'xyz');
  assert.equal(await manifestMismatch(dir, manifest, { hashes: false }), undefined);
  assert.equal(await manifestMismatch(dir, manifest, { hashes: true }), 'a.txt does not have the content the manifest lists');
  await fs.writeFile(path.join(dir, 'a.txt'), 'aaaa');
  assert.equal(await manifestMismatch(dir, manifest, { hashes: false }), 'a.txt has 4 bytes, the manifest says 3');
  await fs.writeFile(path.join(dir, 'a.txt'), 'aaa');

  await fs.writeFile(path.join(dir, 'c.txt'), '');
  assert.equal(await manifestMismatch(dir, manifest, { hashes: true }), 'c.txt is not listed in its manifest');
  await fs.rm(path.join(dir, 'c.txt'));

  await fs.rm(path.join(dir, 'b.txt'));
  assert.equal(await manifestMismatch(dir, manifest, { hashes: false }), 'b.txt is missing');
  await fs.writeFile(path.join(dir, 'b.txt'), 'bb');

  await fs.symlink(path.join(dir, 'a.txt'), path.join(dir, 'l'));
  assert.equal(await manifestMismatch(dir, manifest, { hashes: false }), 'l is not a regular file');
});
