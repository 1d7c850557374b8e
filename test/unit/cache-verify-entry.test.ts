/**
 * entryProblem on a whole, hand-made interpretation entry: served as is, and refused when
 * report.json names a visual (average, strip or guided image) the entry does not hold. Also the
 * cache serving such an entry by key and through the model's index.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entryProblem } from '../../src/engine/cache/verify-entry';
import { ResultCache } from '../../src/engine/cache/result-cache';
import { writeOutputManifest } from '../../src/engine/fs/output-manifest';
import { DEFAULT_INTERPRET_PARAMS } from '../../src/shared/params';

let root: string;
let count = 0;
const solve = { objective: 0, l1: 0, kktViolation: 0, iterations: 0, ms: 0 };
const visual = { average: 'a.png', strip: 's.png', guided: 'g.png', topImages: [] };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-verify-entry-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

/** A report folder with one feature and one class; `drop` files are left out of it (and the manifest). */
async function entry(drop: string[] = [], visuals: Record<string, typeof visual> = { 'l:0': visual }): Promise<string> {
  const dir = path.join(root, `e${count++}`);
  await fs.mkdir(dir);
  const report = {
    schemaVersion: 1,
    kind: 'interpretation',
    tool: { name: 'vebi', version: '0' },
    createdAt: 'x',
    backend: 'cpu',
    cacheKey: 'k',
    model: { path: 'm', format: 'f', inputShape: [1, 1, 1], numClasses: 1, layers: [], featureCount: 1 },
    data: { path: 'd', classes: ['a'], numImages: 0, skipped: [], accuracy: 0, perClassAccuracy: [0] },
    params: DEFAULT_INTERPRET_PARAMS,
    classes: [{ index: 0, name: 'a', count: 0, relevant: [], present: [], absent: [], perLayer: {}, solve, signedSolve: solve }],
    visuals,
    weights: { nonNegative: 'n.f32', signed: 'w.f32', peakResponses: 'p.f32', featureCount: 1, numClasses: 1 },
    timings: {},
  };
  const files: Record<string, string | Buffer> = { 'report.json': JSON.stringify(report), 'n.f32': Buffer.alloc(4), 'w.f32': Buffer.alloc(4), 'p.f32': Buffer.alloc(4), 'a.png': 'a', 's.png': 's', 'g.png': 'g' };
  for (const [name, data] of Object.entries(files)) if (!drop.includes(name)) await fs.writeFile(path.join(dir, name), data);
  await writeOutputManifest(dir, 'interpretation');
  return dir;
}

test('a whole entry has no problem', async () => {
  assert.equal(await entryProblem(await entry()), undefined);
  assert.equal(await entryProblem(await entry([], {})), undefined);
});

test('each visual image the report names must be in the entry', async () => {
  for (const name of ['a.png', 's.png', 'g.png']) {
    assert.equal(await entryProblem(await entry([name])), `report.json names ${name}, which the entry does not hold`, name);
  }
  // Every feature's visuals are checked, not only the first one's.
  const second = await entry(['x.png'], { 'l:0': visual, 'l:1': { ...visual, guided: 'x.png' } });
  assert.equal(await entryProblem(second), 'report.json names x.png, which the entry does not hold');
});

test('the cache serves a whole entry by key and through the model index, without warnings', async () => {
  const cache = new ResultCache(path.join(root, 'cache'));
  const key = 'e'.repeat(64);
  const modelHash = 'f'.repeat(64);
  await cache.store(key, modelHash, await entry());
  const warnings: string[] = [];
  const served = path.join(cache.dir, 'reports', key);
  assert.equal(await cache.lookup(key, (m) => warnings.push(m)), served);
  assert.equal(await cache.latestForModel(modelHash), served);
  assert.deepEqual(warnings, []);
});
