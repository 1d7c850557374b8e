/**
 * ResultCache on real folders: where the cache lives, which keys are looked up at all (never a
 * path outside reports/), damaged entries removed with a warning naming them, a file at an
 * entry's place left alone, store's copy and index, latestForModel through the index.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResultCache, defaultCacheDir } from '../../src/engine/cache/result-cache';
import { entryProblem } from '../../src/engine/cache/verify-entry';
import { writeOutputManifest } from '../../src/engine/fs/output-manifest';
import { rejectsWith } from '../helpers/rejects-with';

let root: string;
let count = 0;
const key = 'a'.repeat(64);
const key2 = 'b'.repeat(64);
const modelHash = 'c'.repeat(64);

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-result-cache-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

function cache(): ResultCache {
  return new ResultCache(path.join(root, `cache${count++}`));
}

/** A folder with a file in it (no manifest: a damaged entry). */
async function damaged(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'report.json'), '{}');
}

test('the cache lives in $XDG_CACHE_HOME/vebi, or ~/.cache/vebi without it', () => {
  const saved = process.env.XDG_CACHE_HOME;
  try {
    process.env.XDG_CACHE_HOME = '/xdg';
    assert.equal(defaultCacheDir(), '/xdg/vebi');
    delete process.env.XDG_CACHE_HOME;
    assert.equal(defaultCacheDir(), path.join(os.homedir(), '.cache', 'vebi'));
    process.env.XDG_CACHE_HOME = '';
    assert.equal(defaultCacheDir(), path.join(os.homedir(), '.cache', 'vebi'));
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
});

test('a damaged entry under reports/<key> is removed (with its files) and named in a warning', async () => {
  const c = cache();
  const entry = path.join(c.dir, 'reports', key);
  await damaged(entry);
  const warnings: string[] = [];
  assert.equal(await c.lookup(key, (m) => warnings.push(m)), undefined);
  assert.deepEqual(warnings, [`The cached result ${entry} is damaged (it has no manifest); it was removed and the result is recomputed.`]);
  assert.equal(existsSync(entry), false);
});

test('keys that are not 64 hex digits are not looked up: the folder there is not touched', async () => {
  const c = cache();
  for (const bad of ['A'.repeat(64), `x${key}`, `${key}x`, 'g'.repeat(64), key.slice(1)]) {
    const entry = path.join(c.dir, 'reports', bad);
    await damaged(entry);
    const warnings: string[] = [];
    assert.equal(await c.lookup(bad, (m) => warnings.push(m)), undefined, bad);
    assert.deepEqual(warnings, [], bad);
    assert.ok(existsSync(path.join(entry, 'report.json')), bad);
  }
});

test('a missing entry or a file in its place: undefined, no warning, nothing removed', async () => {
  const c = cache();
  const warnings: string[] = [];
  assert.equal(await c.lookup(key, (m) => warnings.push(m)), undefined);
  await fs.mkdir(path.join(c.dir, 'reports'), { recursive: true });
  await fs.writeFile(path.join(c.dir, 'reports', key), 'not a folder');
  assert.equal(await c.lookup(key, (m) => warnings.push(m)), undefined);
  assert.deepEqual(warnings, []);
  assert.equal(await fs.readFile(path.join(c.dir, 'reports', key), 'utf8'), 'not a folder');
});

test('store copies the folder under reports/<key> and points models/<hash>.json at it, again and again', async () => {
  const c = cache();
  const report = path.join(root, `report${count++}`);
  await damaged(report);
  await c.store(key, modelHash, report);
  await c.store(key2, modelHash, report);
  assert.equal(await fs.readFile(path.join(c.dir, 'reports', key, 'report.json'), 'utf8'), '{}');
  assert.equal(JSON.parse(await fs.readFile(path.join(c.dir, 'models', `${modelHash}.json`), 'utf8')).key, key2);
  assert.deepEqual((await fs.readdir(path.join(c.dir, 'models'))).sort(), [`${modelHash}.json`]);
  // latestForModel follows the index to the entry (damaged: no report VEBI can read) and drops it.
  assert.equal(await c.latestForModel(modelHash), undefined);
  assert.equal(existsSync(path.join(c.dir, 'reports', key2)), false);
  assert.equal(existsSync(path.join(c.dir, 'reports', key)), true);
  // No index: undefined.
  assert.equal(await c.latestForModel('d'.repeat(64)), undefined);
  await c.clear();
  assert.equal(existsSync(c.dir), false);
  // Clearing a cache that is not there is not an error.
  await c.clear();
});

test('store refuses to replace a folder it did not write, naming the cache entry', async () => {
  const c = cache();
  const entry = path.join(c.dir, 'reports', key);
  await damaged(entry);
  await fs.writeFile(path.join(entry, 'notes.txt'), 'mine');
  const report = path.join(root, `report${count++}`);
  await damaged(report);
  const error = await rejectsWith(() => c.store(key, modelHash, report), 'OUTPUT_REFUSED', entry);
  assert.ok(error.message.startsWith(`The cache entry ${entry} is a folder VEBI did not write`), error.message);
});

test('entryProblem: no manifest, a manifest of another kind, a mismatch, an unreadable report', async () => {
  const dir = path.join(root, `entry${count++}`);
  await damaged(dir);
  assert.equal(await entryProblem(dir), 'it has no manifest');
  await writeOutputManifest(dir, 'explanation');
  assert.equal(await entryProblem(dir), 'its manifest is for a explanation, not an interpretation');
  await fs.rm(path.join(dir, 'vebi-output.json'));
  await writeOutputManifest(dir, 'interpretation');
  await fs.writeFile(path.join(dir, 'extra.png'), '');
  assert.equal(await entryProblem(dir), 'extra.png is not listed in its manifest');
  await fs.rm(path.join(dir, 'extra.png'));
  assert.match((await entryProblem(dir)) ?? '', /^Report file .*report\.json/);
});
