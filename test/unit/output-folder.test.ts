/**
 * "VEBI only ever replaces what VEBI wrote": the output checks, the manifest, the crash-safe swap
 * and its recovery, environment errors, and the result cache's verification, on real folders.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isVebiError } from '../../src/shared/errors';
import { writeFolderAtomically } from '../../src/engine/fs/atomic-folder';
import { checkOutputTarget } from '../../src/engine/fs/output-target';
import { manifestMismatch, readOutputManifest } from '../../src/engine/fs/output-manifest';
import { removeLeftovers, siblingName } from '../../src/engine/fs/leftovers';
import { confinedJoin, confinedRealPath } from '../../src/engine/fs/confine';
import { readRegularFile, LIMITS } from '../../src/engine/fs/safe-read';
import type { OutputKind } from '../../src/engine/fs/output-manifest';
import { ResultCache } from '../../src/engine/cache/result-cache';
import { interpret } from '../../src/engine/interpret/interpret';
import { trainedFixture } from '../helpers/trained-fixture';

let root: string;
const kind: { kind: OutputKind } = { kind: 'explanation' };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-output-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

function withCode(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(isVebiError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

async function write(target: string, files: Record<string, string>, options = kind): Promise<void> {
  await writeFolderAtomically(
    target,
    async (temp) => {
      for (const [name, text] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(temp, name)), { recursive: true });
        await fs.writeFile(path.join(temp, name), text);
      }
    },
    options,
  );
}

const hidden = async (dir: string) => (await fs.readdir(dir)).filter((n) => n.startsWith('.'));

test('a new folder gets every file and a manifest listing each with size and SHA-256', async () => {
  const target = path.join(root, 'new', 'deep', 'out');
  await write(target, { 'a.json': '{}', 'sub/b.png': 'png bytes' });
  const manifest = await readOutputManifest(target);
  assert.ok(manifest);
  assert.equal(manifest.tool, 'vebi');
  assert.equal(manifest.kind, 'explanation');
  assert.deepEqual(manifest.files.map((f) => [f.path, f.bytes]), [['a.json', 2], ['sub/b.png', 9]]);
  assert.equal(manifest.files[0].sha256, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  assert.equal(await manifestMismatch(target, manifest, { hashes: true }), undefined);
  await fs.writeFile(path.join(target, 'sub', 'b.png'), 'png bytez');
  assert.match((await manifestMismatch(target, manifest, { hashes: true })) ?? '', /sub\/b\.png does not have the content/);
  assert.equal(await manifestMismatch(target, manifest, { hashes: false }), undefined, 'sizes alone cannot see a same-size change');
  assert.deepEqual(await hidden(path.dirname(target)), []);
});

test('a folder VEBI wrote is replaced whole; one it did not write, or with a file added, is refused untouched', async () => {
  const target = path.join(root, 'replace');
  await write(target, { 'old.json': '1', 'old.png': 'x' });
  await write(target, { 'new.json': '2' });
  assert.deepEqual((await fs.readdir(target)).sort(), ['new.json', 'vebi-output.json']);

  await fs.writeFile(path.join(target, 'notes.txt'), 'mine');
  await assert.rejects(write(target, { 'x.json': '3' }), withCode('OUTPUT_REFUSED', /did not write \(notes\.txt\)/));
  assert.equal(await fs.readFile(path.join(target, 'notes.txt'), 'utf8'), 'mine');

  const foreign = path.join(root, 'Documents');
  await fs.mkdir(foreign);
  await fs.writeFile(path.join(foreign, 'thesis.txt'), 'keep');
  await assert.rejects(write(foreign, { 'x.json': '3' }), withCode('OUTPUT_REFUSED', /Documents is a folder VEBI did not write \(it holds thesis\.txt\)/));
  assert.deepEqual(await fs.readdir(foreign), ['thesis.txt']);

  const file = path.join(root, 'a-file');
  await fs.writeFile(file, 'x');
  await assert.rejects(write(file, {}), withCode('OUTPUT_REFUSED', /is a file/));
  const link = path.join(root, 'a-link');
  await fs.symlink(target, link);
  await assert.rejects(write(link, {}), withCode('OUTPUT_REFUSED', /symbolic link/));

  // A manifest that is not VEBI's (bad JSON, or a path escaping the folder) does not make a folder VEBI's.
  const forged = path.join(root, 'forged');
  await fs.mkdir(forged);
  await fs.writeFile(path.join(forged, 'vebi-output.json'), JSON.stringify({ tool: 'vebi', version: '0', kind: 'explanation', createdAt: '', files: [{ path: '../thesis.txt', bytes: 1, sha256: '0'.repeat(64) }] }));
  await assert.rejects(write(forged, {}), withCode('OUTPUT_REFUSED', /cannot trust/));
  assert.deepEqual(await hidden(root), []);
});

test('a report folder written before manifests existed is recognised by its report and its file types', async () => {
  const legacy = path.join(root, 'legacy');
  await fs.mkdir(path.join(legacy, 'features'), { recursive: true });
  await fs.writeFile(path.join(legacy, 'report.json'), JSON.stringify({ tool: { name: 'vebi', version: '0.1.0' } }));
  await fs.writeFile(path.join(legacy, 'features', 'a.png'), 'x');
  await checkOutputTarget(legacy, { kind: 'interpretation' });
  await fs.writeFile(path.join(legacy, 'thesis.txt'), 'mine');
  await assert.rejects(checkOutputTarget(legacy, { kind: 'interpretation' }), withCode('OUTPUT_REFUSED'));
  await fs.rm(path.join(legacy, 'thesis.txt'));
  await fs.writeFile(path.join(legacy, 'report.json'), JSON.stringify({ tool: { name: 'other' } }));
  await assert.rejects(checkOutputTarget(legacy, { kind: 'interpretation' }), withCode('OUTPUT_REFUSED'));
});

test('never an input, a folder holding one, a folder inside the data, the working, home or root folder', async () => {
  const data = path.join(root, 'data');
  const model = path.join(root, 'models', 'm', 'model.json');
  await fs.mkdir(path.join(data, 'cat'), { recursive: true });
  await fs.mkdir(path.dirname(model), { recursive: true });
  await fs.writeFile(model, '{}');
  const options = { kind: 'interpretation', inputs: [model, data], dataFolders: [data] } as const;
  for (const [target, pattern] of [
    [data, /is an input of this run/],
    [model, /is an input of this run/],
    [path.dirname(model), /holds an input of this run/],
    [path.join(root, 'models'), /holds an input of this run/],
    [path.join(data, 'cat', 'report'), /inside the data folder/],
  ] as const) {
    await assert.rejects(checkOutputTarget(target, options), withCode('OUTPUT_REFUSED', pattern), target);
  }
  // The protected folders, with no input that could be the reason (wherever the checkout lives).
  for (const [target, pattern] of [
    [process.cwd(), /is the working folder/],
    [path.dirname(process.cwd()), /holds the working folder/],
    [os.homedir(), /home folder|working folder/],
    ['/', /root of the file system|working folder/],
  ] as const) {
    await assert.rejects(checkOutputTarget(target, { kind: 'interpretation' }), withCode('OUTPUT_REFUSED', pattern), target);
  }
  // Through a symlink to the data folder too.
  const alias = path.join(root, 'alias');
  await fs.symlink(data, alias);
  await assert.rejects(checkOutputTarget(path.join(alias, 'cat', 'out'), options), withCode('OUTPUT_REFUSED', /inside the data folder/));
  await checkOutputTarget(path.join(root, 'elsewhere'), options);
});

test('errors from the filled folder name the output, never the hidden folder; environment errors exit as OUTPUT_UNWRITABLE / DISK_FULL', async () => {
  const target = path.join(root, 'env');
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  await assert.rejects(
    writeFolderAtomically(target, () => Promise.reject(full), kind),
    withCode('DISK_FULL', new RegExp(`Cannot write ${target}: the disk is full`)),
  );
  // sharp reports errno conditions only in its message.
  await assert.rejects(writeFolderAtomically(target, () => Promise.reject(new Error('vips: Read-only file system')), kind), withCode('OUTPUT_UNWRITABLE', /read-only/));
  await assert.rejects(
    writeFolderAtomically(target, (temp) => fs.readFile(path.join(temp, 'missing')), kind),
    (error: unknown) => !String((error as Error).message).includes('.partial-'),
  );
  assert.deepEqual(await hidden(root), []);
  // A parent that is a file: refused before any work, naming the output.
  await fs.writeFile(path.join(root, 'plain'), 'x');
  await assert.rejects(checkOutputTarget(path.join(root, 'plain', 'out'), kind), withCode('OUTPUT_UNWRITABLE', /plain\/out/));
});

test('a swap cut between its two renames is undone: by this process on exit, by the next run after a SIGKILL', async () => {
  const parent = path.join(root, 'swap');
  const target = path.join(parent, 'report');
  await write(target, { 'report.json': 'previous' });

  // SIGKILL after "target -> old": the folder sits aside under a dead pid, the target is missing.
  const dead = 2 ** 22 + 12345; // above the default pid_max: never alive
  await fs.rename(target, path.join(parent, siblingName('report', 'old', `${dead}-deadbeef`)));
  await fs.mkdir(path.join(parent, siblingName('report', 'partial', `${dead}-deadbeef`)));
  await checkOutputTarget(target, kind); // any run that checks this output restores it
  assert.deepEqual(await fs.readdir(parent), ['report']);
  assert.equal(await fs.readFile(path.join(target, 'report.json'), 'utf8'), 'previous');

  // SIGKILL after "partial -> target": the new folder is in place, the old one is only removed.
  await fs.mkdir(path.join(parent, siblingName('report', 'old', `${dead}-cafebabe`)));
  await removeLeftovers(parent, 'report');
  assert.deepEqual(await fs.readdir(parent), ['report']);

  // A live writer's siblings are left alone.
  const live = path.join(parent, siblingName('report', 'partial', `${process.ppid}-00000000`));
  await fs.mkdir(live);
  await removeLeftovers(parent, 'report');
  assert.ok(await fs.stat(live));
  await fs.rm(live, { recursive: true });

  // The process exits (Ctrl-C twice, SIGTERM) mid-swap: its exit hook puts the previous folder back.
  const script = `
    const fs = require('node:fs');
    const { trackWrite, siblingName } = require(${JSON.stringify(path.resolve(__dirname, '../../src/engine/fs/leftovers.ts'))});
    const parent = ${JSON.stringify(parent)};
    const target = parent + '/report';
    const old = parent + '/' + siblingName('report', 'old', process.pid + '-1');
    const temp = parent + '/' + siblingName('report', 'partial', process.pid + '-1');
    fs.mkdirSync(temp);
    const write = trackWrite({ target, temp, old });
    fs.renameSync(target, old);
    write.movedAside();
    process.exit(130);
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
  assert.equal(child.status, 130, child.stderr);
  assert.deepEqual(await fs.readdir(parent), ['report']);
  assert.equal(await fs.readFile(path.join(target, 'report.json'), 'utf8'), 'previous');
});

test('a cancelled write leaves the previous folder as it was and no hidden sibling', async () => {
  const target = path.join(root, 'cancel');
  await write(target, { 'a.json': 'previous' });
  const controller = new AbortController();
  await assert.rejects(
    writeFolderAtomically(target, async (temp) => {
      await fs.writeFile(path.join(temp, 'a.json'), 'new');
      controller.abort();
    }, { ...kind, signal: controller.signal }),
    withCode('CANCELLED'),
  );
  assert.equal(await fs.readFile(path.join(target, 'a.json'), 'utf8'), 'previous');
  assert.deepEqual(await hidden(root), []);
});

test('paths read from files stay in their folder, links included', async () => {
  const dir = path.join(root, 'confine');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(root, 'secret'), 's');
  await fs.symlink(path.join(root, 'secret'), path.join(dir, 'link.png'));
  const options = { code: 'REPORT_INVALID', source: path.join(dir, 'report.json'), hint: 'Re-run.' } as const;
  for (const bad of ['../secret', '/etc/passwd', 'a/../../secret', 'C:\\x', 'file:///etc/passwd', 'x\0y', '', '.', 42]) {
    assert.throws(() => confinedJoin(dir, bad, options), withCode('REPORT_INVALID', /report\.json/), String(bad));
  }
  await assert.rejects(confinedRealPath(dir, 'link.png', options), withCode('REPORT_INVALID', /resolves outside/));
  assert.equal(confinedJoin(dir, 'features/a.png', options), path.join(dir, 'features', 'a.png'));
});

test('only regular files are read, with the size limit checked before reading', async () => {
  const options = { what: 'Report file', maxBytes: 10, code: 'REPORT_INVALID', tooLargeCode: 'FILE_TOO_LARGE', hint: 'Re-run.' } as const;
  const big = path.join(root, 'big.json');
  await fs.writeFile(big, 'x'.repeat(11));
  await assert.rejects(readRegularFile(big, options), withCode('FILE_TOO_LARGE', /big\.json is 11 bytes, above the limit of 10 bytes/));
  await assert.rejects(readRegularFile(root, options), withCode('REPORT_INVALID', /is a folder/));
  await assert.rejects(readRegularFile('/dev/zero', { ...options, maxBytes: LIMITS.jsonBytes }), withCode('REPORT_INVALID', /character device/));
  const fifo = path.join(root, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    const started = Date.now();
    await assert.rejects(readRegularFile(fifo, options), withCode('REPORT_INVALID', /FIFO/));
    assert.ok(Date.now() - started < 2000);
  }
});

test('the result cache serves an entry only when it matches its manifest; a damaged one is dropped with a warning', async () => {
  const fixture = await trainedFixture();
  const cacheDir = path.join(root, 'cache');
  const run = () => interpret({ modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(root, 'cached-report'), params: { topK: 2 }, backend: 'wasm', cacheDir });
  const first = await run();
  const cache = new ResultCache(cacheDir);
  const key = first.report.cacheKey;
  const entry = await cache.lookup(key);
  assert.ok(entry, 'a whole entry is served');
  assert.equal((await run()).cached, true);

  // Same size, other content: only the SHA-256 sees it.
  const png = (await readOutputManifest(entry))!.files.find((f) => f.path.endsWith('.png'))!.path;
  const bytes = await fs.readFile(path.join(entry, png));
  bytes[bytes.length - 1] ^= 0xff;
  await fs.writeFile(path.join(entry, png), bytes);
  const warnings: string[] = [];
  assert.equal(await cache.lookup(key, (m) => warnings.push(m)), undefined);
  assert.match(warnings[0] ?? '', new RegExp(`damaged \\(${png.replace(/[.]/g, '\\.')} does not have the content.*removed and the result is recomputed`));
  await assert.rejects(fs.stat(entry), 'the bad entry is gone');
  const again = await run();
  assert.equal(again.cached, false, 'recomputed');
  assert.ok(await cache.lookup(key), 'and stored again');

  // An entry that is not a report at all, and a key that is not a hash.
  const fake = path.join(cacheDir, 'reports', 'a'.repeat(64));
  await write(fake, { 'report.json': '{"not": "a report"}' }, { kind: 'interpretation' });
  assert.equal(await cache.lookup('a'.repeat(64)), undefined);
  assert.equal(await cache.lookup('../../etc'), undefined, 'keys are hashes, never paths');
});
