/**
 * Fault injection (issue 12): an adversarial corpus generated here, each case run through the real
 * `vebi` CLI as a child process, and for EVERY case:
 *   1. the exit code the contract gives (never 1, "Internal error"; never a hang: each child has a
 *      timeout, a timeout fails the case);
 *   2. stderr names the offending path (file, folder, layer or entry);
 *   3. nothing outside --out changed: the whole scratch tree (paths, types, permissions, sizes,
 *      contents, hidden files included) hashed before and after; --out itself is left out only when
 *      the run succeeded, the cache folder only where the case expects it to change;
 *   4. no hidden `.<out>.partial-<pid>-<hex>` / `.<out>.old-<pid>-<hex>` sibling remains anywhere;
 *   5. a previous good report at --out is intact (same files, same bytes) and readable after a
 *      failed or cancelled run, and a successful run leaves a complete one (manifest = files);
 *   6. the child's peak memory (VmHWM) stays below 1.5 GB.
 * Cases that cannot be set up on this machine (no tmpfs mount, no unprivileged user) are skipped
 * with the reason. A summary line (corpus size, passed, failed, skipped) is printed at the end and
 * written to $TMPDIR/vebi-fault-injection-summary.json.
 */
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trainedFixture } from '../helpers/trained-fixture';
import { seededRandom } from '../helpers/seeded-random';
import { childEnv, describeRun, runNode, runVebi } from '../helpers/fault-cli';
import type { Interrupt, VebiRun } from '../helpers/fault-cli';
import { diffSnapshots, findHiddenSiblings, folderDigest, resealManifest, siblingsOf, snapshotTree, verifyOutputFolder, withoutSubtree } from '../helpers/fault-tree';
import {
  canMountTmpfs,
  copyTree,
  linkToDevZero,
  makeFifo,
  mountTmpfs,
  poisonWeight,
  readWeightValue,
  remount,
  sparseFile,
  tmpfsBytes,
  truncatedCopy,
  unmount,
  writeBlackPng,
} from '../helpers/fault-corpus';
import { bufferSource, deflatedZeros, writeZip } from '../helpers/fault-zip';
import type { ZipSource } from '../helpers/fault-zip';
import { pidAlive } from '../helpers/pid-alive';

const GIB = 1024 ** 3;
const MEMORY_LIMIT_KB = 1.5e9 / 1024;
const FAST_MS = 10_000;
const HANG_MS = 30_000;
const NOBODY = 65534;
const DEAD_PID = 999999;
const CONCURRENCY = 2;

// ---------------------------------------------------------------------------------------------
// The shared base: the trained fixture, copied with fixed timestamps, and one good report built
// once through the CLI (which also fills a master result cache with its entry).

interface Base {
  root: string;
  modelDir: string;
  dataDir: string;
  bigDataDir: string;
  goodReport: string;
  legacyReport: string;
  masterCache: string;
  cacheKey: string;
  modelIndex: string;
  featureCount: number;
  numClasses: number;
  /** Duration of the run that built the good report (the scale of the random kills). */
  goodRunMs: number;
  mountWhy?: string;
  nobodyWhy?: string;
}

let base: Base;
const startedAt = Date.now();
const FIXED_TIME = new Date('2024-01-02T03:04:05Z');

async function setTimes(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) await fs.utimes(path.join(entry.parentPath, entry.name), FIXED_TIME, FIXED_TIME);
  }
}

function escape(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

async function buildBase(): Promise<Base> {
  const fixture = await trainedFixture();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fault-'));
  await fs.chmod(root, 0o755);
  const modelDir = path.join(root, 'model');
  const dataDir = path.join(root, 'data');
  await copyTree(path.dirname(fixture.modelPath), modelDir);
  await copyTree(fixture.dataDir, dataDir);
  await setTimes(dataDir);
  // 300 images: feature extraction at one image per batch lasts long enough to be interrupted.
  const bigDataDir = path.join(root, 'data-big');
  for (const cls of await fs.readdir(dataDir)) {
    await fs.mkdir(path.join(bigDataDir, cls), { recursive: true });
    for (const name of await fs.readdir(path.join(dataDir, cls))) {
      for (let k = 0; k < 5; k++) await fs.copyFile(path.join(dataDir, cls, name), path.join(bigDataDir, cls, name.replace('.png', `-${k}.png`)));
    }
  }
  const goodReport = path.join(root, 'good-report');
  const masterCache = path.join(root, 'master-cache');
  const home = path.join(root, 'home');
  await fs.mkdir(home);
  const env = childEnv({ HOME: home, XDG_CACHE_HOME: path.join(root, 'xdg'), VEBI_WASM_THREADS: '1' });
  const run = await runVebi({ args: ['interpret', '--model', path.join(modelDir, 'model.json'), '--data', dataDir, '--out', goodReport, '--cache-dir', masterCache], cwd: root, env, timeoutMs: 120_000 });
  assert.equal(run.code, 0, `building the good report failed: ${describeRun(run)}`);
  await verifyOutputFolder(goodReport, 'interpretation');
  const keys = await fs.readdir(path.join(masterCache, 'reports'));
  assert.equal(keys.length, 1, `the master cache should hold one entry, holds ${keys.join(', ')}`);
  const indexes = await fs.readdir(path.join(masterCache, 'models'));
  assert.equal(indexes.length, 1, `the master cache should hold one model index, holds ${indexes.join(', ')}`);
  const report = JSON.parse(await fs.readFile(path.join(goodReport, 'report.json'), 'utf8')) as { weights: { featureCount: number; numClasses: number } };
  const legacyReport = path.join(root, 'legacy-report');
  await copyTree(goodReport, legacyReport);
  await fs.rm(path.join(legacyReport, 'vebi-output.json'));

  let mountWhy: string | undefined;
  const probe = path.join(root, 'mount-probe');
  await fs.mkdir(probe);
  if (process.getuid?.() !== 0) mountWhy = 'not running as root: cannot mount a tmpfs';
  else if (!canMountTmpfs(probe)) mountWhy = '`mount -t tmpfs` is not permitted here';
  await fs.rmdir(probe);
  let nobodyWhy: string | undefined;
  if (process.getuid?.() !== 0) nobodyWhy = 'not running as root: cannot run the child as another user';
  else {
    const check = await runNode(['-e', 'process.exit(process.getuid() === 65534 ? 0 : 9)'], { cwd: '/', env: childEnv({}), uid: NOBODY, gid: NOBODY, timeoutMs: 20_000 }).catch((error: unknown) => ({ code: -1, error }));
    if (check.code !== 0) nobodyWhy = `cannot run a child as uid ${NOBODY} (nobody) here`;
  }
  return {
    root,
    modelDir,
    dataDir,
    bigDataDir,
    goodReport,
    legacyReport,
    masterCache,
    cacheKey: keys[0],
    modelIndex: indexes[0],
    featureCount: report.weights.featureCount,
    numClasses: report.weights.numClasses,
    goodRunMs: run.ms,
    mountWhy,
    nobodyWhy,
  };
}

// ---------------------------------------------------------------------------------------------
// One case's scratch tree and its checks.

interface Ctx {
  scratch: string;
  cwd: string;
  home: string;
  xdg: string;
  modelDir: string;
  model: string;
  data: string;
  out: string;
  image: string;
  /** Interpretation report used by explain --report (copied by useReport). */
  report: string;
  cache: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  /** Absolute paths left out of the before/after comparison (expected to change). */
  excludes: string[];
  mounts: string[];
  previousDigest?: string;
  notes: string[];
}

type Outcome = 'previous' | 'previous-or-new';

interface FaultCase {
  name: string;
  /** Exit code(s) the contract allows for the last run. */
  expect: number | readonly number[];
  /** Must all match stderr. */
  message?: (ctx: Ctx) => RegExp[];
  /** Must all match stderr when the run failed (exit code not 0). */
  failMessage?: (ctx: Ctx) => RegExp[];
  /** Builds the hostile input; a returned string skips the case with that reason. */
  setup?: (ctx: Ctx) => Promise<string | void>;
  args: (ctx: Ctx) => string[];
  /** A good report is at --out before the run. */
  previous?: boolean;
  /** With `previous`, after a failed last run: what --out may hold (default: the previous report). */
  outcome?: Outcome;
  /** The child runs as nobody (skipped when impossible). */
  nobody?: boolean;
  /** Needs tmpfs mounts (skipped when impossible). */
  mount?: boolean;
  /** Refused before any work: under 10 s, no model loaded. */
  fast?: boolean;
  /** The cache folder (ctx.cache) may change. */
  cache?: boolean;
  /** The 300-image data folder instead of the 60-image one. */
  bigData?: boolean;
  timeoutMs?: number;
  interrupt?: (ctx: Ctx) => Interrupt;
  /** After the first run (killed), the arguments of the next run, whose result is checked. */
  next?: (ctx: Ctx) => string[];
  check?: (ctx: Ctx, run: VebiRun) => Promise<void>;
}

interface CaseResult {
  name: string;
  expect: string;
  status: 'pass' | 'fail' | 'skip';
  code?: number | null;
  signal?: string | null;
  ms?: number;
  peakRssMiB?: number;
  /** First 300 characters of stderr. */
  stderr?: string;
  /** The lines VEBI printed as errors or warnings ("vebi: ..."), first 600 characters. */
  errors?: string;
  error?: string;
  notes?: string[];
}

const results: CaseResult[] = [];

/**
 * Scratch folders are numbered, not named after their case: a message regex such as /NaN/i must
 * not be satisfied by the case's own folder name in a path VEBI prints.
 */
let scratchCount = 0;

async function newCtx(bigData: boolean): Promise<Ctx> {
  const scratch = await fs.mkdtemp(path.join(base.root, `case-${String(++scratchCount).padStart(3, '0')}-`));
  await fs.chmod(scratch, 0o755);
  const ctx: Ctx = {
    scratch,
    cwd: path.join(scratch, 'work'),
    home: path.join(scratch, 'home'),
    xdg: path.join(scratch, 'xdg'),
    modelDir: path.join(scratch, 'inputs', 'model'),
    model: path.join(scratch, 'inputs', 'model', 'model.json'),
    data: path.join(scratch, 'inputs', 'data'),
    out: path.join(scratch, 'outs', 'report'),
    image: path.join(scratch, 'inputs', 'probe.png'),
    report: path.join(scratch, 'deep', 'r', 'report'),
    cache: path.join(scratch, 'cache'),
    env: {},
    excludes: [],
    mounts: [],
    notes: [],
  };
  for (const dir of [ctx.cwd, ctx.home, ctx.xdg, path.dirname(ctx.out)]) await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(ctx.cwd, 'notes.txt'), 'the user works here\n');
  await copyTree(base.modelDir, ctx.modelDir);
  await copyTree(bigData ? base.bigDataDir : base.dataDir, ctx.data);
  await fs.copyFile(path.join(base.dataDir, '1', 'img-0002.png'), ctx.image);
  ctx.env = childEnv({ HOME: ctx.home, XDG_CACHE_HOME: ctx.xdg, VEBI_WASM_THREADS: '1' });
  return ctx;
}

async function placePrevious(ctx: Ctx, at = ctx.out): Promise<void> {
  await fs.rm(at, { recursive: true, force: true });
  await copyTree(base.goodReport, at);
  ctx.previousDigest = await folderDigest(at);
}

async function useReport(ctx: Ctx): Promise<void> {
  await copyTree(base.goodReport, ctx.report);
}

async function useCache(ctx: Ctx): Promise<string> {
  await copyTree(base.masterCache, ctx.cache);
  return path.join(ctx.cache, 'reports', base.cacheKey);
}

function interpretArgs(ctx: Ctx, ...extra: string[]): string[] {
  return ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', ctx.out, ...(extra.length > 0 ? extra : ['--no-cache'])];
}

function explainArgs(ctx: Ctx, ...extra: string[]): string[] {
  return ['explain', '--model', ctx.model, '--image', ctx.image, '--out', ctx.out, ...(extra.length > 0 ? extra : ['--report', ctx.report, '--no-cache'])];
}

function cacheArgs(ctx: Ctx): string[] {
  return interpretArgs(ctx, '--cache-dir', ctx.cache);
}

function expected(c: FaultCase): number[] {
  return typeof c.expect === 'number' ? [c.expect] : [...c.expect];
}

function relativeInside(root: string, p: string): string | undefined {
  const rel = path.relative(root, p);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

interface Harness {
  /** A node -e script run instead of vebi (the harness's self-tests: a misbehaving "CLI"). */
  fake?: string;
  /** Counted in the corpus summary (false for the self-tests). */
  record?: boolean;
}

async function runCase(c: FaultCase, t: TestContext, harness: Harness = {}): Promise<void> {
  const record: CaseResult = { name: c.name, expect: expected(c).join('|'), status: 'fail' };
  if (harness.record ?? true) results.push(record);
  if (c.nobody && base.nobodyWhy) {
    record.status = 'skip';
    record.error = base.nobodyWhy;
    t.skip(base.nobodyWhy);
    return;
  }
  if (c.mount && base.mountWhy) {
    record.status = 'skip';
    record.error = base.mountWhy;
    t.skip(base.mountWhy);
    return;
  }
  const ctx = await newCtx(c.bigData ?? false);
  if (c.nobody) ctx.uid = NOBODY;
  let keep = true;
  try {
    const skip = await c.setup?.(ctx);
    if (typeof skip === 'string') {
      record.status = 'skip';
      record.error = skip;
      keep = false;
      t.skip(skip);
      return;
    }
    if (c.previous && ctx.previousDigest === undefined) await placePrevious(ctx);
    const exclude = [...ctx.excludes, ...(c.cache ? [ctx.cache] : [])];
    const beforeTree = await snapshotTree(ctx.scratch, { exclude });
    const options = { cwd: ctx.cwd, env: ctx.env, timeoutMs: c.timeoutMs ?? 60_000, ...(ctx.uid !== undefined ? { uid: ctx.uid, gid: ctx.uid } : {}) };
    const launch = (args: string[], interrupt?: Interrupt) => (harness.fake ? runNode(['-e', harness.fake, '--', ...args], { ...options, args, interrupt }) : runVebi({ ...options, args, interrupt }));
    let run = await launch(c.args(ctx), c.interrupt?.(ctx));
    // A kill timed by a delay must land inside the run: when the run was quicker, the previous report
    // is put back and the kill tried again earlier (the delay halved), up to 4 times.
    for (let attempt = 1; c.next && run.code === 0 && c.interrupt && attempt < 4; attempt++) {
      const interrupt = c.interrupt(ctx);
      if (interrupt.trigger.when !== 'delay') break;
      ctx.notes.push(`attempt ${attempt}: the run finished in ${run.ms} ms, before the kill at ${interrupt.trigger.ms / 2 ** (attempt - 1)} ms`);
      await placePrevious(ctx);
      run = await launch(c.args(ctx), { ...interrupt, trigger: { when: 'delay', ms: interrupt.trigger.ms / 2 ** attempt } });
    }
    if (c.next) {
      assert.ok(!run.timedOut, `the first run hung: ${describeRun(run)}`);
      ctx.notes.push(`first run: ${run.signal ? `killed by ${run.signal}` : `exit ${run.code}`} after ${run.ms} ms${run.interruptedAtMs !== undefined ? `, signalled at ${run.interruptedAtMs} ms` : ', never signalled'}`);
      run = await launch(c.next(ctx));
    }
    Object.assign(record, { code: run.code, signal: run.signal, ms: run.ms, peakRssMiB: Math.round(run.peakRssKb / 1024), stderr: run.stderr.slice(0, 300), errors: run.stderr.split('\n').filter((l) => l.startsWith('vebi:')).join('\n').slice(0, 600) });
    const afterTree = await snapshotTree(ctx.scratch, { exclude });
    const what = describeRun(run);

    // 6. never a hang, never exit 1, the contract's exit code.
    assert.ok(!run.timedOut, `hang: killed after ${c.timeoutMs ?? 60_000} ms. ${what}`);
    assert.notEqual(run.code, 1, `exit 1 (internal error). ${what}`);
    assert.doesNotMatch(run.stderr, /internal error/i, `"internal error" on stderr. ${what}`);
    assert.ok(expected(c).includes(run.code ?? -1), `expected exit ${expected(c).join(' or ')}, got ${run.code ?? run.signal}. ${what}`);
    // 2. the offending path is named; the hidden partial folder never is; no "NaN%" ever.
    for (const pattern of c.message?.(ctx) ?? []) assert.match(run.stderr, pattern, `stderr should match ${pattern}. ${what}`);
    if (run.code !== 0) for (const pattern of c.failMessage?.(ctx) ?? []) assert.match(run.stderr, pattern, `stderr should match ${pattern}. ${what}`);
    assert.doesNotMatch(run.stderr, /\.partial-\d+-[0-9a-f]+/, `stderr names a hidden .partial- folder. ${what}`);
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /NaN\s*%|Infinity\s*%/, `"NaN%" printed. ${what}`);
    assert.ok(run.peakRssKb < MEMORY_LIMIT_KB, `peak RSS ${(run.peakRssKb / 1024).toFixed(0)} MiB >= 1.5 GB. ${what}`);
    if (c.fast) {
      assert.ok(run.ms < FAST_MS, `a refusal must come before any work, took ${run.ms} ms. ${what}`);
      assert.doesNotMatch(run.stderr, /Loading model|Extracting internal features/, `work started before the refusal. ${what}`);
    }
    // 3. nothing outside --out changed (--out itself only left out when the run succeeded).
    const outRel = relativeInside(ctx.scratch, ctx.out);
    const outMayChange = run.code === 0 || c.outcome === 'previous-or-new';
    const b = outMayChange && outRel ? withoutSubtree(beforeTree, outRel) : beforeTree;
    const a = outMayChange && outRel ? withoutSubtree(afterTree, outRel) : afterTree;
    const diff = diffSnapshots(b, a);
    assert.deepEqual(diff, [], `the run changed files outside --out:\n  ${diff.join('\n  ')}\n${what}`);
    // 4. no hidden partial/old sibling anywhere in the scratch tree (the cache included).
    assert.deepEqual(await findHiddenSiblings(ctx.scratch), [], `hidden siblings left behind. ${what}`);
    if (!outRel) assert.deepEqual(await siblingsOf(ctx.out), [], `hidden siblings left next to ${ctx.out}. ${what}`);
    // 5. a previous report intact after a failure; a complete one after a success.
    const kind = c.args(ctx)[0] === 'explain' ? 'explanation' : 'interpretation';
    if (ctx.previousDigest !== undefined) {
      assert.ok(await fs.lstat(ctx.out).then(() => true, () => false), `--out ${ctx.out} is gone: the previous report was lost. ${what}`);
      if (run.code === 0) await verifyOutputFolder(ctx.out, kind);
      else if (c.outcome === 'previous-or-new' && (await folderDigest(ctx.out)) !== ctx.previousDigest) {
        ctx.notes.push('--out holds a new complete report (the killed run had published it)');
        await verifyOutputFolder(ctx.out, kind);
      } else {
        assert.equal(await folderDigest(ctx.out), ctx.previousDigest, `the previous report at --out was changed by a failed run. ${what}`);
        await verifyOutputFolder(ctx.out, 'interpretation');
      }
    } else if (run.code === 0 && outRel) {
      await verifyOutputFolder(ctx.out, kind);
    }
    await c.check?.(ctx, run);
    record.status = 'pass';
    keep = false;
  } catch (error) {
    record.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
    record.notes = ctx.notes;
    throw error;
  } finally {
    if (ctx.notes.length > 0) t.diagnostic(ctx.notes.join('; '));
    for (const mount of ctx.mounts.reverse()) unmount(mount);
    if (!(harness.record ?? true)) keep = false;
    if (keep) t.diagnostic(`scratch kept for inspection: ${ctx.scratch}`);
    else await fs.rm(ctx.scratch, { recursive: true, force: true }).catch(() => execFileSync('rm', ['-rf', ctx.scratch]));
  }
}

// ---------------------------------------------------------------------------------------------
// Shared corpus pieces.

async function readReport(dir: string): Promise<{ data: { numImages: number; skipped: { path: string }[] } } & Record<string, unknown>> {
  return JSON.parse(await fs.readFile(path.join(dir, 'report.json'), 'utf8')) as { data: { numImages: number; skipped: { path: string }[] } };
}

async function editJson(file: string, edit: (json: Record<string, unknown>) => unknown): Promise<void> {
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  const result = edit(json);
  await fs.writeFile(file, typeof result === 'string' ? result : JSON.stringify(result ?? json));
}

type Visuals = Record<string, { average: string; strip: string; guided: string }>;

/** Sets one field of every feature visual of a report folder's report.json. */
async function setVisualPaths(dir: string, field: 'average' | 'strip' | 'guided', value: (key: string) => string): Promise<void> {
  await editJson(path.join(dir, 'report.json'), (json) => {
    for (const [key, visual] of Object.entries(json.visuals as Visuals)) visual[field] = value(key);
  });
}

async function featurePngs(dir: string, suffix = '-average.png'): Promise<string[]> {
  return (await fs.readdir(path.join(dir, 'features'))).filter((n) => n.endsWith(suffix)).map((n) => path.join(dir, 'features', n));
}

const weightBytes = () => base.featureCount * base.numClasses * 4;

/** Asserts that report.json lists a skipped file whose path contains `marker`. */
async function assertSkipped(ctx: Ctx, marker: string, options: { orUsed?: boolean } = {}): Promise<void> {
  const report = await readReport(ctx.out);
  const listed = report.data.skipped.some((s) => typeof s.path === 'string' && s.path.includes(marker));
  if (options.orUsed && !listed) {
    assert.equal(report.data.numImages, 61, `${marker} is neither listed in data.skipped nor used (numImages ${report.data.numImages})`);
    ctx.notes.push(`${marker} was read (by its byte name) and used`);
    return;
  }
  assert.ok(listed, `data.skipped should list ${JSON.stringify(marker)}; it is ${JSON.stringify(report.data.skipped).slice(0, 300)}`);
  assert.equal(report.data.numImages, 60, 'the 60 good images are all used');
}

/** Bombs are generated once and shared: a 3 GiB and a 1 GiB stream of deflated zeros. */
const zeroSources = new Map<number, Promise<ZipSource>>();
function zeros(mib: number): Promise<ZipSource> {
  let source = zeroSources.get(mib);
  if (!source) {
    source = deflatedZeros(mib);
    zeroSources.set(mib, source);
  }
  return source;
}

async function kerasConfig(): Promise<Buffer> {
  const { keras3FunctionalConfig } = await import('../helpers/keras-fixture');
  const config = keras3FunctionalConfig() as { config: { layers: { name?: string; config: Record<string, unknown> }[] } };
  for (const layer of config.config.layers) if (layer.name === 'out') layer.config.units = 3; // the data folder has 3 classes
  return Buffer.from(JSON.stringify(config));
}

async function writeBomb(file: string, bomb: 'weights' | 'config', honest: boolean): Promise<void> {
  const metadata = bufferSource(Buffer.from(JSON.stringify({ keras_version: '3.13.2' })), 8);
  if (bomb === 'weights') {
    const source = await zeros(3 * 1024);
    await writeZip(file, [
      { name: 'metadata.json', source: metadata, method: 8 },
      { name: 'config.json', source: bufferSource(await kerasConfig(), 8), method: 8 },
      { name: 'model.weights.h5', source, method: 8, declaredSize: honest ? source.size : 64 * 1024 },
    ]);
  } else {
    const source = await zeros(1024);
    await writeZip(file, [
      { name: 'metadata.json', source: metadata, method: 8 },
      { name: 'config.json', source, method: 8, declaredSize: honest ? source.size : 1024 },
      { name: 'model.weights.h5', source: bufferSource(Buffer.from('\x89HDF\r\n\x1a\n'), 0), method: 0 },
    ]);
  }
}

const LIMIT = /\d[\d,.]*\s*(bytes|[KMG]i?B)\b/i;
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function missingData(ctx: Ctx): string[] {
  return ['interpret', '--model', ctx.model, '--data', path.join(ctx.scratch, 'missing-data'), '--out', ctx.out, '--no-cache'];
}

// ---------------------------------------------------------------------------------------------
// The corpus.

const refusals: FaultCase[] = [
  {
    name: 'data-loss repro: --out Documents holding thesis.txt',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.out = path.join(ctx.cwd, 'Documents');
      await fs.mkdir(ctx.out);
      await fs.writeFile(path.join(ctx.out, 'thesis.txt'), 'keep\n');
    },
    args: (ctx) => ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', 'Documents', '--no-cache'],
    message: () => [/Documents/],
    check: async (ctx) => assert.equal(await fs.readFile(path.join(ctx.out, 'thesis.txt'), 'utf8'), 'keep\n'),
  },
  { name: 'data-loss repro: --out = the data folder', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = ctx.data), args: (ctx) => interpretArgs(ctx), message: (ctx) => [escape(ctx.data)] },
  { name: 'data-loss repro: --out = the model folder', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = ctx.modelDir), args: (ctx) => interpretArgs(ctx), message: (ctx) => [escape(ctx.modelDir)] },
  {
    name: 'data-loss repro: --out . (the working folder)',
    expect: 2,
    fast: true,
    setup: async (ctx) => void (ctx.out = ctx.cwd),
    args: (ctx) => ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', '.', '--no-cache'],
    message: (ctx) => [escape(ctx.cwd)],
  },
  {
    name: 'data-loss repro: --out = a parent of the data folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => void (ctx.out = path.dirname(ctx.data)),
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(path.dirname(ctx.data))],
  },
  { name: '--out = the model file', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = ctx.model), args: (ctx) => interpretArgs(ctx), message: () => [/model\.json/] },
  {
    name: '--out . in an empty working folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.cwd = path.join(ctx.scratch, 'empty-cwd');
      await fs.mkdir(ctx.cwd);
      ctx.out = ctx.cwd;
    },
    args: (ctx) => ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', '.'],
    message: (ctx) => [escape(ctx.cwd)],
  },
  {
    name: '--out = an (empty) ancestor of the working folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.out = path.join(ctx.scratch, 'a');
      ctx.cwd = path.join(ctx.out, 'b', 'c');
      await fs.mkdir(ctx.cwd, { recursive: true });
    },
    args: (ctx) => ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', '../..'],
    message: (ctx) => [escape(ctx.out)],
  },
  { name: '--out = the (empty) home folder', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = ctx.home), args: (ctx) => interpretArgs(ctx, '--cache-dir', ctx.cache), message: (ctx) => [escape(ctx.home)] },
  { name: '--out = / (the file-system root)', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = '/'), args: (ctx) => interpretArgs(ctx), message: () => [/(^|\s|")\/(\s|"|;|,|$)/m] },
  {
    name: '--out = a regular file',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.out = path.join(path.dirname(ctx.out), 'report.txt');
      await fs.writeFile(ctx.out, 'my notes\n');
    },
    args: (ctx) => interpretArgs(ctx),
    message: () => [/report\.txt/],
  },
  {
    name: '--out = a symlink to an empty folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await fs.mkdir(path.join(ctx.scratch, 'elsewhere'));
      ctx.out = path.join(path.dirname(ctx.out), 'report-link');
      await fs.symlink(path.join(ctx.scratch, 'elsewhere'), ctx.out);
    },
    args: (ctx) => interpretArgs(ctx),
    message: () => [/report-link/],
  },
  {
    name: '--out = a symlink to a VEBI report',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await copyTree(base.goodReport, path.join(ctx.scratch, 'kept-report'));
      ctx.out = path.join(path.dirname(ctx.out), 'report-link');
      await fs.symlink(path.join(ctx.scratch, 'kept-report'), ctx.out);
    },
    args: (ctx) => interpretArgs(ctx),
    message: () => [/report-link/],
  },
  {
    name: '--out = a folder holding only a hidden file',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await fs.mkdir(ctx.out);
      await fs.writeFile(path.join(ctx.out, '.env'), 'SECRET=1\n');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  {
    name: '--out = a VEBI report the user added notes.txt to',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await placePrevious(ctx);
      await fs.writeFile(path.join(ctx.out, 'notes.txt'), 'my notes\n');
      ctx.previousDigest = undefined; // not a VEBI folder any more: the whole tree must be unchanged
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  {
    name: '--out = a VEBI report the user added a hidden file to',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await placePrevious(ctx);
      await fs.writeFile(path.join(ctx.out, '.notes'), 'hidden notes\n');
      ctx.previousDigest = undefined;
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  {
    name: '--out = a VEBI report the user added a sub-folder to',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await placePrevious(ctx);
      await fs.mkdir(path.join(ctx.out, 'drafts'));
      await fs.writeFile(path.join(ctx.out, 'drafts', 'a.md'), 'draft\n');
      ctx.previousDigest = undefined;
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  {
    name: '--out = the data folder spelled inputs/data/./0/..',
    expect: 2,
    fast: true,
    setup: async (ctx) => void (ctx.out = ctx.data),
    args: (ctx) => ['interpret', '--model', ctx.model, '--data', ctx.data, '--out', `${ctx.data}/./0/..`, '--no-cache'],
    message: (ctx) => [escape(ctx.data)],
  },
  { name: '--out inside the data folder (new)', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = path.join(ctx.data, 'report-new')), args: (ctx) => interpretArgs(ctx), message: () => [/report-new/] },
  { name: '--out inside a class folder (new)', expect: 2, fast: true, setup: async (ctx) => void (ctx.out = path.join(ctx.data, '0', 'report-new')), args: (ctx) => interpretArgs(ctx), message: () => [/report-new/] },
  {
    name: '--out through a symlink into the data folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      await fs.symlink(ctx.data, path.join(ctx.scratch, 'data-link'));
      ctx.out = path.join(ctx.scratch, 'data-link', 'report-new');
    },
    args: (ctx) => interpretArgs(ctx),
    message: () => [/report-new/],
  },
  {
    name: '--out = a FIFO',
    expect: 2,
    fast: true,
    timeoutMs: HANG_MS,
    setup: async (ctx) => makeFifo(ctx.out),
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  {
    name: '--out = the folder holding the model folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.out = path.join(ctx.scratch, 'zoo');
      await copyTree(ctx.modelDir, path.join(ctx.out, 'lenet'));
      ctx.model = path.join(ctx.out, 'lenet', 'model.json');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  { name: 'explain: --out = the image file', expect: 2, fast: true, setup: async (ctx) => ((ctx.out = ctx.image), useReport(ctx)), args: (ctx) => explainArgs(ctx), message: () => [/probe\.png/] },
  {
    name: 'explain: --out = the folder holding the image',
    expect: 2,
    fast: true,
    setup: async (ctx) => {
      ctx.out = path.join(ctx.scratch, 'pics');
      await fs.mkdir(ctx.out);
      await fs.rename(ctx.image, path.join(ctx.out, 'probe.png'));
      ctx.image = path.join(ctx.out, 'probe.png');
      await useReport(ctx);
    },
    args: (ctx) => explainArgs(ctx),
    message: (ctx) => [escape(ctx.out)],
  },
  { name: 'explain: --out = the --report folder', expect: 2, fast: true, setup: async (ctx) => ((ctx.out = ctx.report), useReport(ctx)), args: (ctx) => explainArgs(ctx), message: (ctx) => [escape(ctx.report)] },
  {
    name: 'explain: --out inside the --report folder',
    expect: 2,
    fast: true,
    setup: async (ctx) => ((ctx.out = path.join(ctx.report, 'explained')), useReport(ctx)),
    args: (ctx) => explainArgs(ctx),
    message: () => [/explained/],
  },
  { name: 'explain: --out = the model folder', expect: 2, fast: true, setup: async (ctx) => ((ctx.out = ctx.modelDir), useReport(ctx)), args: (ctx) => explainArgs(ctx), message: (ctx) => [escape(ctx.modelDir)] },
  ...(
    [
      ['a FIFO', (file: string) => makeFifo(file)],
      ['a link to /dev/zero', (file: string) => linkToDevZero(file)],
      ['a sparse 3 GiB file', (file: string) => sparseFile(file, 3 * GIB, Buffer.from('{"kind":"explanation","tool":{"name":"vebi"},'))],
    ] as const
  ).map(
    ([what, make]): FaultCase => ({
      // The ownership check reads a legacy folder's explanation.json: it is untrusted input too.
      name: `explain: --out holds an explanation.json that is ${what}`,
      expect: 2,
      fast: true,
      timeoutMs: HANG_MS,
      setup: async (ctx) => {
        await useReport(ctx);
        await fs.mkdir(ctx.out);
        await fs.writeFile(path.join(ctx.out, 'index.html'), '<html></html>\n');
        await make(path.join(ctx.out, 'explanation.json'));
      },
      args: (ctx) => explainArgs(ctx),
      message: (ctx) => [escape(ctx.out)],
    }),
  ),
];

const replacements: FaultCase[] = [
  {
    name: 'replaces a previous VEBI report',
    expect: 0,
    previous: true,
    args: (ctx) => interpretArgs(ctx),
    check: async (ctx) => {
      const before = JSON.parse(await fs.readFile(path.join(base.goodReport, 'report.json'), 'utf8')) as { createdAt: string };
      const now = JSON.parse(await fs.readFile(path.join(ctx.out, 'report.json'), 'utf8')) as { createdAt: string };
      assert.notEqual(now.createdAt, before.createdAt, 'the report was not rewritten');
    },
  },
  {
    name: 'replaces a legacy VEBI report (no vebi-output.json)',
    expect: 0,
    setup: async (ctx) => copyTree(base.legacyReport, ctx.out),
    args: (ctx) => interpretArgs(ctx),
  },
  { name: 'writes into an existing empty folder', expect: 0, setup: async (ctx) => fs.mkdir(ctx.out), args: (ctx) => interpretArgs(ctx) },
];

const environment: FaultCase[] = [
  {
    name: 'read-only file system (tmpfs ro): new --out',
    expect: 3,
    mount: true,
    fast: true,
    setup: async (ctx) => {
      const mnt = path.join(ctx.scratch, 'ro');
      await fs.mkdir(mnt);
      mountTmpfs(mnt, 'ro,size=1m');
      ctx.mounts.push(mnt);
      ctx.out = path.join(mnt, 'report');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /read-only|EROFS/],
  },
  {
    name: 'read-only file system holding a previous report',
    expect: 3,
    mount: true,
    fast: true,
    setup: async (ctx) => {
      const mnt = path.join(ctx.scratch, 'ro');
      await fs.mkdir(mnt);
      mountTmpfs(mnt, 'size=2m');
      ctx.mounts.push(mnt);
      ctx.out = path.join(mnt, 'report');
      await placePrevious(ctx);
      remount(mnt, 'ro');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /read-only|EROFS/],
  },
  {
    name: 'disk full (tmpfs 16k): new --out',
    expect: 3,
    mount: true,
    setup: async (ctx) => {
      const mnt = path.join(ctx.scratch, 'full');
      await fs.mkdir(mnt);
      mountTmpfs(mnt, 'size=16k');
      ctx.mounts.push(mnt);
      ctx.out = path.join(mnt, 'report');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /disk is full|ENOSPC|no space/i],
  },
  {
    name: 'disk full while replacing a previous report',
    expect: 3,
    mount: true,
    setup: async (ctx) => {
      const mnt = path.join(ctx.scratch, 'full');
      await fs.mkdir(mnt);
      mountTmpfs(mnt, `size=${Math.ceil(((await tmpfsBytes(base.goodReport)) + 32 * 1024) / 4096) * 4}k`);
      ctx.mounts.push(mnt);
      ctx.out = path.join(mnt, 'report');
      await placePrevious(ctx);
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /disk is full|ENOSPC|no space/i],
  },
  {
    name: 'permission denied (nobody): read-only parent folder',
    expect: 3,
    nobody: true,
    fast: true,
    setup: async (ctx) => {
      const locked = path.join(ctx.scratch, 'locked');
      await fs.mkdir(locked, { mode: 0o555 });
      await fs.chmod(locked, 0o555);
      ctx.out = path.join(locked, 'report');
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /permission denied|EACCES|EPERM/i],
  },
  {
    name: 'permission denied (nobody): previous report in a read-only parent',
    expect: 3,
    nobody: true,
    fast: true,
    setup: async (ctx) => {
      const locked = path.join(ctx.scratch, 'locked');
      await fs.mkdir(locked);
      ctx.out = path.join(locked, 'report');
      await placePrevious(ctx);
      await fs.chmod(locked, 0o555);
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [escape(ctx.out), /permission denied|EACCES|EPERM/i],
  },
];

/** explain --report R with a report made hostile by `tamper` (its manifest resealed unless told). */
function hostileReport(name: string, tamper: (ctx: Ctx) => Promise<void>, extra: Partial<FaultCase> = {}): FaultCase {
  return {
    name: `report: ${name}`,
    expect: 3,
    setup: async (ctx) => {
      await useReport(ctx);
      await tamper(ctx);
    },
    args: (ctx) => explainArgs(ctx),
    message: () => [/report\.json/],
    ...extra,
  };
}

const reports: FaultCase[] = [
  hostileReport('visual paths "../../x"', async (ctx) => {
    await fs.copyFile(path.join(base.dataDir, '0', 'img-0001.png'), path.join(ctx.report, '..', '..', 'x'));
    await setVisualPaths(ctx.report, 'average', () => '../../x');
    await resealManifest(ctx.report);
  }),
  hostileReport('visual paths "features/../../../x"', async (ctx) => {
    await fs.copyFile(path.join(base.dataDir, '0', 'img-0001.png'), path.join(ctx.report, '..', '..', 'x'));
    await setVisualPaths(ctx.report, 'average', () => 'features/../../../x');
    await resealManifest(ctx.report);
  }),
  hostileReport('absolute visual paths', async (ctx) => {
    const planted = path.join(ctx.scratch, 'abs.png');
    await fs.copyFile(path.join(base.dataDir, '0', 'img-0001.png'), planted);
    await setVisualPaths(ctx.report, 'strip', () => planted);
    await resealManifest(ctx.report);
  }),
  hostileReport('visual paths with a NUL byte', async (ctx) => {
    await setVisualPaths(ctx.report, 'guided', (key) => `features/${key.replace(':', '-')}\u0000.png`);
    await resealManifest(ctx.report);
  }),
  hostileReport('feature images are symlinks to a file outside', async (ctx) => {
    const outside = path.join(ctx.scratch, 'outside.png');
    await fs.copyFile(path.join(base.dataDir, '2', 'img-0003.png'), outside);
    for (const png of await featurePngs(ctx.report)) {
      await fs.rm(png);
      await fs.symlink(outside, png);
    }
  }),
  hostileReport('weights.nonNegative "../../x"', async (ctx) => {
    await fs.writeFile(path.join(ctx.report, '..', '..', 'x'), Buffer.alloc(weightBytes()));
    await editJson(path.join(ctx.report, 'report.json'), (json) => void ((json.weights as Record<string, unknown>).nonNegative = '../../x'));
    await resealManifest(ctx.report);
  }),
  hostileReport('weights.signed absolute', async (ctx) => {
    const planted = path.join(ctx.scratch, 'abs.f32');
    await fs.writeFile(planted, Buffer.alloc(weightBytes()));
    await editJson(path.join(ctx.report, 'report.json'), (json) => void ((json.weights as Record<string, unknown>).signed = planted));
    await resealManifest(ctx.report);
  }),
  hostileReport('weights file is a symlink to a file outside', async (ctx) => {
    const outside = path.join(ctx.scratch, 'outside.f32');
    await fs.copyFile(path.join(ctx.report, 'weights-nonnegative.f32'), outside);
    await fs.rm(path.join(ctx.report, 'weights-nonnegative.f32'));
    await fs.symlink(outside, path.join(ctx.report, 'weights-nonnegative.f32'));
  }),
  hostileReport('report.json is not valid JSON', async (ctx) => fs.writeFile(path.join(ctx.report, 'report.json'), '{"kind": "interpretation", "schemaVersion": ')),
  hostileReport('report.json with wrong types', async (ctx) => {
    await editJson(path.join(ctx.report, 'report.json'), (json) => {
      (json.weights as Record<string, unknown>).featureCount = String(base.featureCount);
      json.classes = { 0: 'cat' };
      json.visuals = [];
    });
    await resealManifest(ctx.report);
  }),
  hostileReport('report.json with NaN spelled as a string', async (ctx) => {
    await editJson(path.join(ctx.report, 'report.json'), (json) => {
      (json.data as Record<string, unknown>).accuracy = 'NaN';
      for (const cls of json.classes as { relevant: { weight: unknown }[] }[]) for (const f of cls.relevant) f.weight = 'NaN';
      (json.params as Record<string, unknown>).mu = 'NaN';
    });
    await resealManifest(ctx.report);
  }),
  hostileReport('report.json with fields missing', async (ctx) => {
    await editJson(path.join(ctx.report, 'report.json'), (json) => {
      delete json.weights;
      delete json.visuals;
      delete json.classes;
    });
    await resealManifest(ctx.report);
  }),
  hostileReport('report.json of the wrong kind', async (ctx) => {
    await editJson(path.join(ctx.report, 'report.json'), (json) => void (json.kind = 'explanation'));
    await resealManifest(ctx.report);
  }),
  hostileReport('report.json is a FIFO', async (ctx) => {
    await fs.rm(path.join(ctx.report, 'report.json'));
    await makeFifo(path.join(ctx.report, 'report.json'));
  }, { timeoutMs: HANG_MS }),
  hostileReport('report.json is a link to /dev/zero', async (ctx) => {
    await fs.rm(path.join(ctx.report, 'report.json'));
    await linkToDevZero(path.join(ctx.report, 'report.json'));
  }, { timeoutMs: HANG_MS }),
  hostileReport('report.json is a sparse 3 GiB file', async (ctx) => {
    await fs.rm(path.join(ctx.report, 'report.json'));
    await sparseFile(path.join(ctx.report, 'report.json'), 3 * GIB, Buffer.from('{"kind":"interpretation",'));
  }, { timeoutMs: HANG_MS }),
  hostileReport('peak responses all NaN (explain must not print NaN%)', async (ctx) => {
    const nan = Buffer.alloc(base.featureCount * 4);
    for (let i = 0; i < base.featureCount; i++) nan.writeFloatLE(NaN, i * 4);
    await fs.writeFile(path.join(ctx.report, 'peak-responses.f32'), nan);
    await resealManifest(ctx.report);
  }, { expect: [0, 3], message: undefined, failMessage: () => [/peak-responses\.f32|report\.json/] }),
  hostileReport('peak responses all zero (explain must not print NaN% or Infinity%)', async (ctx) => {
    await fs.writeFile(path.join(ctx.report, 'peak-responses.f32'), Buffer.alloc(base.featureCount * 4));
    await resealManifest(ctx.report);
  }, { expect: [0, 3], message: undefined, failMessage: () => [/peak-responses\.f32|report\.json/] }),
];

/** What can stand where a regular file is expected: each must be refused by name, at once, in bounded memory. */
type Unreadable = 'fifo' | 'dev-zero' | 'sparse';

async function makeUnreadable(kind: Unreadable, file: string, sparse: { bytes: number; head: Buffer }): Promise<void> {
  await fs.rm(file, { force: true });
  if (kind === 'fifo') await makeFifo(file);
  else if (kind === 'dev-zero') await linkToDevZero(file);
  else await sparseFile(file, sparse.bytes, sparse.head);
}

/**
 * One case per kind of unreadable file put where `place` says (a name prefixed per kind, or a fixed file);
 * the message must name it.
 */
function unreadableFileCases(
  what: string,
  spec: {
    place: (ctx: Ctx, kind: Unreadable) => Promise<string> | string;
    /** The sparse file's size, and its first bytes (what a real file of that kind starts with). */
    sparse: { bytes: number; head: (file: string) => Promise<Buffer> | Buffer };
    args: (ctx: Ctx) => string[];
    named: RegExp | ((kind: Unreadable) => RegExp);
    kinds?: readonly Unreadable[];
  },
): FaultCase[] {
  const label = (kind: Unreadable) => (kind === 'fifo' ? 'a FIFO' : kind === 'dev-zero' ? 'a link to /dev/zero' : `a sparse ${spec.sparse.bytes / GIB} GiB file`);
  return (spec.kinds ?? (['fifo', 'dev-zero', 'sparse'] as const)).map((kind) => ({
    name: `${what} is ${label(kind)}`,
    expect: 3,
    timeoutMs: HANG_MS,
    setup: async (ctx) => {
      const file = await spec.place(ctx, kind);
      await makeUnreadable(kind, file, { bytes: spec.sparse.bytes, head: await spec.sparse.head(file) });
    },
    args: (ctx) => spec.args(ctx),
    message: () => [typeof spec.named === 'function' ? spec.named(kind) : spec.named],
  }));
}

const SHARD = 'group1-shard1of1.bin';

const models: FaultCase[] = [
  ...unreadableFileCases('model: --model', {
    place: async (ctx, kind) => {
      if (kind === 'sparse') return ctx.model;
      ctx.model = path.join(ctx.scratch, 'inputs', `${kind}-model`, 'model.json');
      await fs.mkdir(path.dirname(ctx.model), { recursive: true });
      return ctx.model;
    },
    sparse: { bytes: 3 * GIB, head: () => Buffer.from('{"modelTopology": ') },
    args: (ctx) => interpretArgs(ctx),
    named: (kind) => (kind === 'sparse' ? /model\.json/ : new RegExp(`${kind}-model[/\\\\]model\\.json`)),
  }),
  ...unreadableFileCases('model: weight shard', {
    place: (ctx) => path.join(ctx.modelDir, SHARD),
    sparse: { bytes: 3 * GIB, head: (file) => fs.readFile(file) },
    args: (ctx) => interpretArgs(ctx),
    named: /group1-shard1of1\.bin/,
  }),
  ...unreadableFileCases('model: vebi.json', {
    place: (ctx) => path.join(ctx.modelDir, 'vebi.json'),
    sparse: { bytes: GIB, head: () => Buffer.from('{') },
    args: (ctx) => interpretArgs(ctx),
    named: /vebi\.json/,
    kinds: ['fifo', 'dev-zero'],
  }),
  ...(['../../secret.bin', 'ABSOLUTE'] as const).map(
    (shard): FaultCase => ({
      name: `model: model.json names the weight shard ${shard === 'ABSOLUTE' ? 'by an absolute path' : `"${shard}"`} (a real shard planted there)`,
      expect: 3,
      setup: async (ctx) => {
        // The planted file is the real shard: a loader that follows the path would load a working model.
        const planted = shard === 'ABSOLUTE' ? path.join(ctx.scratch, 'secret.bin') : path.resolve(ctx.modelDir, shard);
        await fs.copyFile(path.join(ctx.modelDir, 'group1-shard1of1.bin'), planted);
        await fs.rm(path.join(ctx.modelDir, 'group1-shard1of1.bin'));
        await editJson(ctx.model, (json) => void ((json.weightsManifest as { paths: string[] }[])[0].paths = [shard === 'ABSOLUTE' ? planted : shard]));
      },
      args: (ctx) => interpretArgs(ctx),
      message: () => [/model\.json/],
    }),
  ),
  {
    name: 'model: vebi.json is not valid JSON',
    expect: 3,
    setup: async (ctx) => fs.writeFile(path.join(ctx.modelDir, 'vebi.json'), '{"preprocessing": "unit",'),
    args: (ctx) => interpretArgs(ctx),
    message: () => [/vebi\.json/],
  },
  {
    name: 'model: NaN in conv_a/kernel',
    expect: 3,
    setup: async (ctx) => poisonWeight(ctx.model, 'conv_a/kernel', NaN, 5),
    args: (ctx) => interpretArgs(ctx),
    message: () => [/conv_a/, /NaN|non-finite|infinite|Infinity|\bInf\b/],
  },
  {
    name: 'model: +Infinity in scores/bias',
    expect: 3,
    setup: async (ctx) => poisonWeight(ctx.model, 'scores/bias', Infinity, 2),
    args: (ctx) => interpretArgs(ctx),
    message: () => [/scores/, /NaN|non-finite|infinite|Infinity|\bInf\b/],
  },
  {
    name: 'model: explain with NaN in conv_b_stride2/kernel',
    expect: 3,
    setup: async (ctx) => {
      await useReport(ctx);
      await poisonWeight(ctx.model, 'conv_b_stride2/kernel', NaN, 0);
    },
    args: (ctx) => explainArgs(ctx),
    message: () => [/conv_b_stride2/, /NaN|non-finite|infinite|Infinity|\bInf\b/],
  },
  ...([
    ['weights', true, 'model.weights.h5 declares 3 GiB (honest)'],
    ['weights', false, 'model.weights.h5 declares 64 KiB, inflates to 3 GiB'],
    ['config', true, 'config.json declares 1 GiB (honest)'],
    ['config', false, 'config.json declares 1 KiB, inflates to 1 GiB'],
  ] as const).map(
    ([entry, honest, what]): FaultCase => ({
      name: `keras bomb: ${what}`,
      expect: 3,
      setup: async (ctx) => {
        ctx.model = path.join(ctx.scratch, 'inputs', 'bomb.keras');
        await writeBomb(ctx.model, entry, honest);
      },
      args: (ctx) => interpretArgs(ctx),
      message: () => [/bomb\.keras/, entry === 'weights' ? /model\.weights\.h5/ : /config\.json/, LIMIT],
    }),
  ),
  ...unreadableFileCases('explain: --image', {
    place: async (ctx, kind) => {
      await useReport(ctx);
      ctx.image = path.join(ctx.scratch, 'inputs', `probe-${kind}.png`);
      return ctx.image;
    },
    sparse: { bytes: GIB, head: () => PNG_HEAD },
    args: (ctx) => explainArgs(ctx),
    named: (kind) => new RegExp(`probe-${kind}\\.png`),
  }),
];

interface BadImage {
  label: string;
  /** Part of the file's name that identifies it in messages and in data.skipped. */
  marker: string;
  make: (ctx: Ctx) => Promise<void>;
  nobody?: boolean;
  /** A valid image whose only fault is its name: listed as skipped, or read by its byte name. */
  orUsed?: boolean;
}

const goodPng = (cls = '0', i = 1) => path.join(base.dataDir, cls, `img-${String(i).padStart(4, '0')}.png`);

const badImages: BadImage[] = [
  { label: 'a 0-byte .png', marker: 'fi-empty.png', make: (ctx) => fs.writeFile(path.join(ctx.data, '0', 'fi-empty.png'), '') },
  { label: 'a truncated PNG', marker: 'fi-truncated.png', make: (ctx) => truncatedCopy(goodPng('1'), path.join(ctx.data, '1', 'fi-truncated.png'), 60) },
  { label: 'a text file named .jpg', marker: 'fi-text.jpg', make: (ctx) => fs.writeFile(path.join(ctx.data, '2', 'fi-text.jpg'), 'this is not a JPEG\n') },
  {
    label: 'an unreadable file (chmod 000, as nobody)',
    marker: 'fi-noperm.png',
    nobody: true,
    make: async (ctx) => {
      const file = path.join(ctx.data, '0', 'fi-noperm.png');
      await fs.copyFile(goodPng('0'), file);
      await fs.chmod(file, 0o000);
      await fs.chmod(path.dirname(ctx.out), 0o777);
    },
  },
  { label: 'a (truncated) file whose name holds a newline', marker: 'fi-new\nline.png', make: (ctx) => truncatedCopy(goodPng('1'), path.join(ctx.data, '1', 'fi-new\nline.png'), 60) },
  {
    label: 'a file whose name is not valid UTF-8',
    marker: 'fi-badutf8-',
    orUsed: true,
    make: (ctx) => fs.copyFile(goodPng('2'), Buffer.concat([Buffer.from(path.join(ctx.data, '2', 'fi-badutf8-')), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('.png')])),
  },
  { label: 'a directory named x.png', marker: 'fi-dir.png', make: (ctx) => fs.mkdir(path.join(ctx.data, '0', 'fi-dir.png')) },
  { label: 'a FIFO named x.png', marker: 'fi-fifo.png', make: (ctx) => makeFifo(path.join(ctx.data, '1', 'fi-fifo.png')) },
  { label: 'a link to /dev/zero named x.png', marker: 'fi-zero.png', make: (ctx) => linkToDevZero(path.join(ctx.data, '2', 'fi-zero.png')) },
  { label: 'a sparse 1 GiB .png', marker: 'fi-huge.png', make: (ctx) => sparseFile(path.join(ctx.data, '0', 'fi-huge.png'), GIB, PNG_HEAD) },
];

const FAIL_MODE = new Set(['fi-empty.png', 'fi-truncated.png', 'fi-text.jpg', 'fi-noperm.png', 'fi-dir.png', 'fi-fifo.png', 'fi-zero.png', 'fi-huge.png']);

const images: FaultCase[] = [
  ...badImages.map(
    (bad): FaultCase => ({
      name: `images (skip): ${bad.label}`,
      expect: 0,
      nobody: bad.nobody,
      timeoutMs: HANG_MS,
      setup: bad.make,
      args: (ctx) => interpretArgs(ctx),
      check: (ctx) => assertSkipped(ctx, bad.marker, { orUsed: bad.orUsed }),
    }),
  ),
  ...badImages
    .filter((bad) => FAIL_MODE.has(bad.marker))
    .map(
      (bad): FaultCase => ({
        name: `images (--on-bad-file fail): ${bad.label}`,
        expect: 3,
        nobody: bad.nobody,
        timeoutMs: HANG_MS,
        setup: bad.make,
        args: (ctx) => interpretArgs(ctx, '--no-cache', '--on-bad-file', 'fail'),
        message: () => [escape(bad.marker)],
      }),
    ),
  {
    name: 'images (skip): a PNG whose header claims 50000 x 50000 (pixel bomb)',
    expect: 0,
    setup: (ctx) => writeBlackPng(path.join(ctx.data, '1', 'fi-bomb.png'), 50_000, 50_000, 100),
    args: (ctx) => interpretArgs(ctx),
    check: (ctx) => assertSkipped(ctx, 'fi-bomb.png'),
  },
  {
    name: 'images (--on-bad-file fail): a PNG whose header claims 50000 x 50000 (pixel bomb)',
    expect: 3,
    setup: (ctx) => writeBlackPng(path.join(ctx.data, '1', 'fi-bomb.png'), 50_000, 50_000, 100),
    args: (ctx) => interpretArgs(ctx, '--no-cache', '--on-bad-file', 'fail'),
    message: () => [/fi-bomb\.png/],
  },
  {
    name: 'images: a real 9000 x 9000 PNG (81 MP, within the pixel limit) is used in bounded memory',
    expect: 0,
    setup: (ctx) => writeBlackPng(path.join(ctx.data, '2', 'fi-large.png'), 9000, 9000),
    args: (ctx) => interpretArgs(ctx),
    check: async (ctx) => assert.equal((await readReport(ctx.out)).data.numImages, 61, 'the large image is a valid image: it is used'),
  },
  {
    name: 'images: a symlink loop inside a class folder (0/loop -> .)',
    expect: 0,
    setup: async (ctx) => fs.symlink('.', path.join(ctx.data, '0', 'loop')),
    args: (ctx) => interpretArgs(ctx),
    check: async (ctx) => assert.equal((await readReport(ctx.out)).data.numImages, 60, 'each image counted once'),
  },
  {
    // Beyond the written contract: following the link would file classes 1 and 2 under class 0.
    name: 'images: a class folder holding a link to the data folder (0/up -> ..)',
    expect: [0, 3],
    setup: async (ctx) => fs.symlink('..', path.join(ctx.data, '0', 'up')),
    args: (ctx) => interpretArgs(ctx),
    failMessage: (ctx) => [escape(path.join(ctx.data, '0', 'up'))],
    check: async (ctx, run) => {
      if (run.code !== 0) return;
      const report = (await readReport(ctx.out)) as unknown as { classes: { count: number }[] };
      assert.deepEqual(report.classes.map((c) => c.count), [20, 20, 20], 'the link must not move images between classes');
    },
  },
  {
    name: 'images: a class folder whose every image is bad',
    expect: 3,
    setup: async (ctx) => {
      const cls = path.join(ctx.data, '1');
      for (const name of await fs.readdir(cls)) await truncatedCopy(path.join(base.dataDir, '1', name), path.join(cls, name), 60);
    },
    args: (ctx) => interpretArgs(ctx),
    message: (ctx) => [new RegExp(`${escape(path.join(ctx.data, '1')).source}(?![\\w./-])`)],
  },
];

/** interpret --cache-dir C over a previous good report, with the cached entry damaged by `tamper`. */
function damagedEntry(name: string, tamper: (ctx: Ctx, entry: string) => Promise<void>, check?: (ctx: Ctx, entry: string) => Promise<void>, extra: Partial<FaultCase> = {}): FaultCase {
  let entry = '';
  return {
    name: `cache: ${name}`,
    expect: 0,
    previous: true,
    cache: true,
    timeoutMs: HANG_MS,
    setup: async (ctx) => {
      entry = await useCache(ctx);
      await tamper(ctx, entry);
    },
    args: (ctx) => cacheArgs(ctx),
    message: () => [/warning/i, escape(base.cacheKey)],
    check: async (ctx, run) => {
      assert.doesNotMatch(run.stdout, /from cache/, 'the damaged entry was served');
      const report = await fs.readFile(path.join(ctx.out, 'report.json'), 'utf8');
      assert.doesNotMatch(report, /\.\.\/\.\.\/|outside\.png/, 'the tampered report.json reached --out');
      if (await fs.lstat(entry).then(() => true, () => false)) await verifyOutputFolder(entry, 'interpretation');
      await check?.(ctx, entry);
    },
    ...extra,
  };
}

const someFile = async (entry: string, suffix: string) => (await featurePngs(entry, suffix))[0];

const caches: FaultCase[] = [
  {
    name: 'cache: an intact entry is served (control)',
    expect: 0,
    previous: true,
    cache: true,
    setup: async (ctx) => void (await useCache(ctx)),
    args: (ctx) => cacheArgs(ctx),
    check: async (_ctx, run) => {
      assert.match(run.stdout, /from cache/, 'the control entry should be served: the tamper cases below would otherwise prove nothing');
      assert.doesNotMatch(run.stderr, /warning/i);
    },
  },
  damagedEntry('report.json truncated', async (_ctx, entry) => {
    const file = path.join(entry, 'report.json');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length >> 1));
  }),
  damagedEntry('report.json garbage', async (_ctx, entry) => fs.writeFile(path.join(entry, 'report.json'), Buffer.from('\u0000\u00ff garbage {{{'))),
  damagedEntry('a PNG missing', async (_ctx, entry) => fs.rm(await someFile(entry, '-strip.png'))),
  damagedEntry(
    'a file added',
    async (_ctx, entry) => fs.writeFile(path.join(entry, 'features', 'extra.png'), 'not part of the entry'),
    async (ctx) => assert.ok(!(await fs.lstat(path.join(ctx.out, 'features', 'extra.png')).then(() => true, () => false)), 'extra.png reached --out'),
  ),
  (() => {
    let flipped = '';
    let bytes = Buffer.alloc(0);
    return damagedEntry(
      'one byte flipped in a PNG',
      async (_ctx, entry) => {
        flipped = await someFile(entry, '-guided.png');
        bytes = await fs.readFile(flipped);
        bytes[bytes.length >> 1] ^= 0x55;
        await fs.writeFile(flipped, bytes);
      },
      async (ctx, entry) => {
        const served = await fs.readFile(path.join(ctx.out, path.relative(entry, flipped))).catch(() => undefined);
        if (served) assert.notDeepEqual(served, bytes, 'the flipped PNG reached --out');
      },
    );
  })(),
  damagedEntry('manifest deleted', async (_ctx, entry) => fs.rm(path.join(entry, 'vebi-output.json'))),
  damagedEntry('manifest tampered (a sha256 changed)', async (_ctx, entry) => {
    await editJson(path.join(entry, 'vebi-output.json'), (json) => void ((json.files as { sha256: string }[])[0].sha256 = '0'.repeat(64)));
  }),
  damagedEntry('report.json points outside, manifest resealed', async (ctx, entry) => {
    await fs.copyFile(goodPng('0'), path.join(ctx.scratch, 'outside.png'));
    await setVisualPaths(entry, 'average', () => '../../../outside.png');
    await resealManifest(entry);
  }),
  damagedEntry('report.json is a FIFO', async (_ctx, entry) => {
    await fs.rm(path.join(entry, 'report.json'));
    await makeFifo(path.join(entry, 'report.json'));
  }),
  damagedEntry('a PNG replaced by a link to a file outside', async (ctx, entry) => {
    const outside = path.join(ctx.scratch, 'outside.png');
    await fs.copyFile(goodPng('2'), outside);
    const png = await someFile(entry, '-average.png');
    await fs.rm(png);
    await fs.symlink(outside, png);
  }),
  {
    name: 'cache index: intact (control: explain finds the report)',
    expect: 0,
    cache: true,
    setup: async (ctx) => void (await useCache(ctx)),
    args: (ctx) => explainArgs(ctx, '--cache-dir', ctx.cache),
  },
  {
    name: 'cache index: garbage',
    expect: 3,
    cache: true,
    setup: async (ctx) => {
      await useCache(ctx);
      await fs.writeFile(path.join(ctx.cache, 'models', base.modelIndex), '\u0000{not json');
    },
    args: (ctx) => explainArgs(ctx, '--cache-dir', ctx.cache),
    message: (ctx) => [escape(ctx.model)],
  },
  {
    name: 'cache index: key "../../x" with a report planted there',
    expect: 3,
    cache: true,
    setup: async (ctx) => {
      await useCache(ctx);
      await fs.writeFile(path.join(ctx.cache, 'models', base.modelIndex), JSON.stringify({ key: '../../x', storedAt: new Date().toISOString() }));
      await copyTree(base.goodReport, path.join(ctx.cache, 'reports', '..', '..', 'x'));
    },
    args: (ctx) => explainArgs(ctx, '--cache-dir', ctx.cache),
    message: (ctx) => [escape(ctx.model)],
  },
  {
    name: 'cache folder is a regular file',
    expect: 0,
    setup: async (ctx) => fs.writeFile(ctx.cache, 'a file where the cache folder should be\n'),
    args: (ctx) => cacheArgs(ctx),
    message: () => [/warning/i],
  },
  {
    name: 'cache/reports is a regular file',
    expect: 0,
    cache: true,
    setup: async (ctx) => {
      await fs.mkdir(ctx.cache);
      await fs.writeFile(path.join(ctx.cache, 'reports'), 'not a folder\n');
    },
    args: (ctx) => cacheArgs(ctx),
    message: () => [/warning/i],
  },
  {
    name: 'cache folder read-only (nobody)',
    expect: 0,
    nobody: true,
    setup: async (ctx) => {
      await fs.mkdir(ctx.cache, { mode: 0o555 });
      await fs.chmod(ctx.cache, 0o555);
      await fs.chmod(path.dirname(ctx.out), 0o777);
    },
    args: (ctx) => cacheArgs(ctx),
    message: () => [/warning/i],
  },
];

const extracting = /Extracting internal features/;
const slowExtraction = (ctx: Ctx) => interpretArgs(ctx, '--no-cache', '--batch-size', '1');

function signalCase(name: string, signals: NodeJS.Signals[], when: 'extraction' | 'partial' | 'writing', previous = true): FaultCase {
  return {
    name: `signals: ${name}`,
    expect: when === 'extraction' ? 130 : [130, 0],
    previous,
    bigData: when === 'extraction',
    args: when === 'extraction' ? slowExtraction : (ctx) => interpretArgs(ctx),
    interrupt: (ctx) => ({
      trigger: when === 'extraction' ? { when: 'stderr', pattern: extracting } : when === 'partial' ? { when: 'sibling', out: ctx.out } : { when: 'stderr', pattern: /Writing report/ },
      signals,
      gapMs: 40,
    }),
    failMessage: () => [/cancel/i],
    check: async (ctx, run) => {
      assert.notEqual(run.interruptedAtMs, undefined, 'the trigger never fired: the case did not test what it says');
      if (run.code === 0) ctx.notes.push('the run finished before the signal took effect');
      if (!previous && run.code !== 0) assert.ok(!(await fs.lstat(ctx.out).then(() => true, () => false)), '--out exists after a cancelled first run');
    },
  };
}

function killCase(name: string, trigger: (ctx: Ctx) => Interrupt['trigger'], next: 'fail' | 'succeed', delayMs = 0): FaultCase {
  return {
    name: `signals: SIGKILL ${name}, next run ${next === 'fail' ? 'fails (bad --data)' : 'succeeds'}`,
    expect: next === 'fail' ? 3 : 0,
    previous: true,
    outcome: 'previous-or-new',
    args: (ctx) => interpretArgs(ctx),
    interrupt: (ctx) => ({ trigger: trigger(ctx), signals: ['SIGKILL'], delayMs }),
    next: (ctx) => (next === 'fail' ? missingData(ctx) : interpretArgs(ctx)),
    failMessage: () => [/missing-data/],
  };
}

/** A moment inside a run: uniform over the duration of the run that built the good report. */
function randomDelay(seed: number): number {
  return Math.round(300 + seededRandom(seed)() * Math.max(500, base.goodRunMs - 300));
}

const signals: FaultCase[] = [
  signalCase('SIGINT during feature extraction', ['SIGINT'], 'extraction'),
  signalCase('SIGTERM during feature extraction', ['SIGTERM'], 'extraction'),
  signalCase('SIGHUP during feature extraction (no previous report)', ['SIGHUP'], 'extraction', false),
  signalCase('SIGINT once the report is being written (.partial- exists)', ['SIGINT'], 'partial'),
  signalCase('SIGTERM once the report is being written (.partial- exists)', ['SIGTERM'], 'partial'),
  signalCase('SIGHUP at "Writing report"', ['SIGHUP'], 'writing'),
  signalCase('two SIGINTs during feature extraction', ['SIGINT', 'SIGINT'], 'extraction'),
  signalCase('two SIGINTs once the report is being written', ['SIGINT', 'SIGINT'], 'partial'),
  killCase('once the report is being written', (ctx) => ({ when: 'sibling', out: ctx.out }), 'fail'),
  killCase('at "Writing report"', () => ({ when: 'stderr', pattern: /Writing report/ }), 'fail', 5),
  killCase('at a random moment (seed 11)', () => ({ when: 'delay', ms: randomDelay(11) }), 'succeed'),
  killCase('at a random moment (seed 12)', () => ({ when: 'delay', ms: randomDelay(12) }), 'fail'),
  killCase('at a random moment (seed 13)', () => ({ when: 'delay', ms: randomDelay(13) }), 'fail'),
  {
    name: 'signals: killed between the two renames (hand-made .old), next run fails',
    expect: 3,
    previous: true,
    setup: async (ctx) => {
      if (pidAlive(DEAD_PID)) return `pid ${DEAD_PID} is alive here: it cannot stand for a dead writer`;
      await placePrevious(ctx);
      const old = path.join(path.dirname(ctx.out), `.${path.basename(ctx.out)}.old-${DEAD_PID}-deadbeef`);
      await fs.rename(ctx.out, old);
      ctx.excludes.push(old, ctx.out);
    },
    args: (ctx) => missingData(ctx),
    failMessage: () => [/missing-data/],
  },
  {
    name: 'signals: killed between the renames, stale .partial too, next run succeeds',
    expect: 0,
    previous: true,
    setup: async (ctx) => {
      if (pidAlive(DEAD_PID) || pidAlive(DEAD_PID - 1)) return `pid ${DEAD_PID} or ${DEAD_PID - 1} is alive here: they cannot stand for dead writers`;
      await placePrevious(ctx);
      const parent = path.dirname(ctx.out);
      const old = path.join(parent, `.${path.basename(ctx.out)}.old-${DEAD_PID}-deadbeef`);
      const partial = path.join(parent, `.${path.basename(ctx.out)}.partial-${DEAD_PID - 1}-cafebabe`);
      await fs.rename(ctx.out, old);
      await fs.mkdir(partial);
      await fs.writeFile(path.join(partial, 'report.json'), '{"half": ');
      ctx.excludes.push(old, partial, ctx.out);
    },
    args: (ctx) => interpretArgs(ctx),
  },
];

const everyCase: FaultCase[] = [...refusals, ...replacements, ...environment, ...reports, ...models, ...images, ...caches, ...signals];
/** VEBI_FAULT_ONLY=regex runs only the matching cases (while working on one); CI runs them all. */
const only = process.env.VEBI_FAULT_ONLY;
const corpus = only ? everyCase.filter((c) => new RegExp(only).test(c.name)) : everyCase;

// ---------------------------------------------------------------------------------------------

before(
  async () => {
    base = await buildBase();
  },
  { timeout: 300_000 },
);

after(async () => {
  const passed = results.filter((r) => r.status === 'pass').length;
  const failed = results.filter((r) => r.status === 'fail');
  const skipped = results.filter((r) => r.status === 'skip').length;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  const own = process.cpuUsage();
  const line = `fault-injection summary: corpus ${corpus.length} cases, ${passed} passed, ${failed.length} failed, ${skipped} skipped, ${seconds} s (test process CPU ${((own.user + own.system) / 1e6).toFixed(0)} s)`;
  const file = path.join(os.tmpdir(), 'vebi-fault-injection-summary.json');
  writeFileSync(file, JSON.stringify({ line, results }, null, 1));
  process.stdout.write(`\n${line}\n${failed.map((f) => `  FAIL ${f.name}: ${f.error}`).join('\n')}\n(details: ${file})\n`);
  if (base && failed.length === 0) await fs.rm(base.root, { recursive: true, force: true });
});

describe('fault-injection helpers (self-tests: each check can fail)', () => {
  it('the tree snapshot sees a flipped byte, a new hidden file, a mode change, a relinked symlink, a FIFO, odd names; exclusions work', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fault-self-'));
    try {
      await fs.mkdir(path.join(root, 'sub', 'out'), { recursive: true });
      await fs.writeFile(path.join(root, 'sub', 'a.bin'), Buffer.from([1, 2, 3, 4]));
      await fs.symlink('a.bin', path.join(root, 'sub', 'link'));
      await makeFifo(path.join(root, 'pipe'));
      await fs.writeFile(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff]), Buffer.from('.png')]), 'x');
      await fs.writeFile(path.join(root, 'new\nline'), 'y');
      const first = await snapshotTree(root);
      assert.deepEqual(diffSnapshots(first, await snapshotTree(root)), []);
      assert.ok([...first.keys()].some((k) => k.startsWith('hex:')), 'a name that is not UTF-8 is its own entry');
      const changes: [string, () => Promise<void>, () => Promise<void>][] = [
        ['byte', () => fs.writeFile(path.join(root, 'sub', 'a.bin'), Buffer.from([1, 2, 3, 5])), () => fs.writeFile(path.join(root, 'sub', 'a.bin'), Buffer.from([1, 2, 3, 4]))],
        ['hidden file', () => fs.writeFile(path.join(root, 'sub', '.hidden'), ''), () => fs.rm(path.join(root, 'sub', '.hidden'))],
        ['mode', () => fs.chmod(path.join(root, 'sub', 'a.bin'), 0o600), () => fs.chmod(path.join(root, 'sub', 'a.bin'), 0o644)],
        ['symlink', async () => (await fs.rm(path.join(root, 'sub', 'link')), fs.symlink('b.bin', path.join(root, 'sub', 'link'))), async () => (await fs.rm(path.join(root, 'sub', 'link')), fs.symlink('a.bin', path.join(root, 'sub', 'link')))],
        ['empty folder', () => fs.mkdir(path.join(root, 'empty')), () => fs.rmdir(path.join(root, 'empty'))],
      ];
      for (const [what, change, undo] of changes) {
        await change();
        assert.notDeepEqual(diffSnapshots(first, await snapshotTree(root)), [], `a changed ${what} must be detected`);
        await undo();
        assert.deepEqual(diffSnapshots(first, await snapshotTree(root)), [], `undoing the ${what} change restores the snapshot`);
      }
      const excluded = await snapshotTree(root, { exclude: [path.join(root, 'sub', 'out')] });
      await fs.writeFile(path.join(root, 'sub', 'out', 'written.txt'), 'ok');
      assert.deepEqual(diffSnapshots(excluded, await snapshotTree(root, { exclude: [path.join(root, 'sub', 'out')] })), []);
      assert.notDeepEqual(diffSnapshots(withoutSubtree(first, 'sub/link'), withoutSubtree(await snapshotTree(root), 'sub/link')), []);
      await fs.mkdir(path.join(root, 'sub', `.out.partial-${process.pid}-0a1b2c3d`));
      assert.deepEqual(await findHiddenSiblings(root), [`sub/.out.partial-${process.pid}-0a1b2c3d`]);
      assert.deepEqual(await siblingsOf(path.join(root, 'sub', 'out')), [`.out.partial-${process.pid}-0a1b2c3d`]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('the manifest check accepts the good report and rejects a flipped byte, an added file, a missing file', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fault-self-'));
    try {
      const report = path.join(root, 'r');
      await copyTree(base.goodReport, report);
      await verifyOutputFolder(report, 'interpretation');
      await assert.rejects(verifyOutputFolder(report, 'explanation'), /kind/);
      const png = (await featurePngs(report))[0];
      const bytes = await fs.readFile(png);
      bytes[10] ^= 1;
      await fs.writeFile(png, bytes);
      await assert.rejects(verifyOutputFolder(report), /does not match/);
      await resealManifest(report);
      await verifyOutputFolder(report);
      await fs.writeFile(path.join(report, 'extra.txt'), '');
      await assert.rejects(verifyOutputFolder(report), /not listed/);
      await fs.rm(path.join(report, 'extra.txt'));
      await fs.rm(png);
      await assert.rejects(verifyOutputFolder(report), /missing/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('the runner kills a hung child, measures peak memory, sends signals on a trigger', async () => {
    const env = childEnv({});
    const hung = await runNode(['-e', 'setInterval(() => {}, 1000)'], { cwd: os.tmpdir(), env, timeoutMs: 1500 });
    assert.ok(hung.timedOut && hung.signal === 'SIGKILL', describeRun(hung));
    const big = await runNode(['-e', 'const b = Buffer.alloc(300 * 1024 * 1024, 1); setTimeout(() => console.log(b[5]), 300)'], { cwd: os.tmpdir(), env });
    assert.ok(big.peakRssKb > 250 * 1024, `peak RSS should be above 250 MiB, measured ${big.peakRssKb} KiB`);
    const interrupted = await runNode(['-e', 'console.error("ready"); process.on("SIGTERM", () => process.exit(130)); setInterval(() => {}, 1000)'], {
      cwd: os.tmpdir(),
      env,
      interrupt: { trigger: { when: 'stderr', pattern: /ready/ }, signals: ['SIGTERM'] },
    });
    assert.equal(interrupted.code, 130, describeRun(interrupted));
  });

  it('the zip writer makes archives a zip reader accepts, and the zero stream inflates to its size', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fault-self-'));
    try {
      const { unzipSync } = await import('fflate');
      const file = path.join(root, 'small.zip');
      const text = Buffer.from('{"hello": "world"}');
      await writeZip(file, [
        { name: 'a.json', source: bufferSource(text, 8), method: 8 },
        { name: 'zeros.bin', source: await deflatedZeros(3), method: 8 },
        { name: 'stored.bin', source: bufferSource(Buffer.from('raw'), 0), method: 0 },
      ]);
      const files = unzipSync(await fs.readFile(file));
      assert.equal(Buffer.from(files['a.json']).toString(), text.toString());
      assert.equal(files['zeros.bin'].length, 3 * 1024 * 1024);
      assert.ok(files['zeros.bin'].every((b) => b === 0));
      assert.equal(Buffer.from(files['stored.bin']).toString(), 'raw');
      execFileSync('unzip', ['-tq', file], { stdio: 'pipe' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no unzip binary: fflate's check above stands
      throw error;
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('poisonWeight writes the float where the manifest puts the weight', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fault-self-'));
    try {
      await copyTree(base.modelDir, root);
      const model = path.join(root, 'model.json');
      const before = await readWeightValue(model, 'scores/bias', 2);
      assert.ok(Number.isFinite(before));
      await poisonWeight(model, 'scores/bias', Infinity, 2);
      assert.equal(await readWeightValue(model, 'scores/bias', 2), Infinity);
      assert.equal(await readWeightValue(model, 'scores/bias', 1), await readWeightValue(path.join(base.modelDir, 'model.json'), 'scores/bias', 1));
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

describe('fault-injection harness (self-tests: a misbehaving fake CLI must fail each check)', { concurrency: CONCURRENCY }, () => {
  const outOf = 'const fs = require("fs"), path = require("path"); const out = process.argv[process.argv.indexOf("--out") + 1];';
  const fakeArgs = (ctx: Ctx) => ['interpret', '--out', ctx.out];
  const misbehaviours: [string, Partial<FaultCase>, string, RegExp][] = [
    ['exits 2 where 3 is expected', { expect: 3 }, 'process.exit(2)', /expected exit 3, got 2/],
    ['exits 1', { expect: [1, 3] }, 'console.error("vebi: Internal error: boom"); process.exit(1)', /exit 1/],
    ['hangs', { expect: 3, timeoutMs: 1500 }, 'setInterval(() => {}, 1000)', /hang/],
    ['does not name the path', { expect: 3, message: (ctx) => [escape(ctx.out)] }, 'console.error("vebi: something is wrong"); process.exit(3)', /stderr should match/],
    ['names the hidden .partial- folder', { expect: 3 }, `${outOf} console.error("vebi: cannot write " + path.join(path.dirname(out), ".report.partial-12-abcdef01")); process.exit(3)`, /hidden \.partial-/],
    ['prints NaN%', { expect: 0 }, 'console.log("Prediction: cat (NaN%)"); process.exit(0)', /NaN%/],
    ['uses 1.6 GB of memory', { expect: 3 }, 'const b = Buffer.alloc(1.6e9, 1); setTimeout(() => process.exit(b[7] === 1 ? 3 : 4), 200)', /peak RSS/],
    ['is slow to refuse (works first)', { expect: 2, fast: true }, 'console.error("Loading model and data: 0/2 steps"); process.exit(2)', /before the refusal/],
    ['writes a byte outside --out', { expect: 0 }, `${outOf} fs.mkdirSync(out); fs.appendFileSync(path.join(path.dirname(out), "..", "work", "notes.txt"), "x"); process.exit(0)`, /changed files outside --out/],
    ['leaves a hidden partial folder', { expect: 3 }, `${outOf} fs.mkdirSync(path.join(path.dirname(out), ".report.partial-12-abcdef01")); process.exit(3)`, /changed files outside --out|hidden siblings/],
    ['damages the previous report and fails', { expect: 3, previous: true }, `${outOf} fs.appendFileSync(path.join(out, "index.html"), " "); process.exit(3)`, /changed files outside --out:\n\s+changed outs\/report\/index\.html/],
    ['damages the previous report after a SIGKILL', { expect: 3, previous: true, outcome: 'previous-or-new' }, `${outOf} fs.appendFileSync(path.join(out, "index.html"), " "); process.exit(3)`, /index\.html does not match vebi-output\.json/],
    ['deletes the previous report after a SIGKILL', { expect: 3, previous: true, outcome: 'previous-or-new' }, `${outOf} fs.rmSync(out, { recursive: true }); process.exit(3)`, /previous report was lost/],
    ['succeeds with a folder whose manifest does not match', { expect: 0 }, `${outOf} fs.mkdirSync(out); fs.writeFileSync(path.join(out, "vebi-output.json"), JSON.stringify({ tool: "vebi", kind: "interpretation", files: [] })); fs.writeFileSync(path.join(out, "report.json"), "{}"); process.exit(0)`, /not listed in vebi-output\.json/],
  ];
  for (const [what, overrides, fake, error] of misbehaviours) {
    it(`a fake CLI that ${what} fails the case`, async (t) => {
      await assert.rejects(runCase({ name: `self-test: ${what}`, expect: 0, args: fakeArgs, ...overrides }, t, { fake, record: false }), error);
    });
  }
  it('a fake CLI that refuses cleanly passes the case (control)', async (t) => {
    await runCase({ name: 'self-test: clean refusal', expect: 2, fast: true, args: fakeArgs, message: (ctx) => [escape(ctx.out)] }, t, { fake: `${outOf} console.error("vebi: --out " + out + " is refused"); process.exit(2)`, record: false });
  });
});

describe(`fault-injection corpus (${corpus.length} cases, ${CONCURRENCY} at a time)`, { concurrency: CONCURRENCY }, () => {
  assert.ok(only || corpus.length >= 60, `the corpus must hold at least 60 cases, holds ${corpus.length}`);
  assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'case names must be unique');
  for (const c of corpus) {
    it(`${c.name} -> exit ${expected(c).join('|')}`, { timeout: 180_000 }, (t) => runCase(c, t));
  }
});
