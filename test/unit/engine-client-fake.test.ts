/**
 * EngineClient against a scripted stand-in for the engine (a few lines of plain JavaScript): the
 * process life cycle that the real engine makes slow or impossible to provoke. Running out of
 * memory, exiting, ignoring a cancel, dropping the IPC channel, failing to start at all.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../../src/extension/engine-client';
import type { EngineClientOptions, EngineJob } from '../../src/extension/engine-client';
import { isVebiError } from '../../src/shared/errors';
import type { ProgressEvent } from '../../src/shared/progress';

/** The stand-in engine: what it does with a job is named by the job's reportDir, its argument by outDir. */
const FAKE_WORKER = String.raw`
const send = (event) => process.send(event);
const cancels = [];
const polite = new Set();
// Never outlive the test, even when a test forgets to kill this process.
setTimeout(() => process.exit(0), 15000).unref();
process.on('disconnect', () => { if (!globalThis.keepRunning) process.exit(0); });
process.on('message', (m) => {
  if (m.type === 'cancel') {
    cancels.push(m.id);
    if (polite.has(m.id)) send({ type: 'failed', id: m.id, error: { name: 'VebiError', code: 'CANCELLED', message: 'The run was cancelled; nothing was written.' } });
    return;
  }
  const { reportDir: mode, outDir: arg } = m.job;
  if (mode === 'echo') {
    send({ type: 'done', id: m.id, result: { kind: 'export', outDir: JSON.stringify({ argv: process.argv.slice(2), flag: process.env.VEBI_FAKE_FLAG ?? null, cancels }) }, peakRssMB: 7 });
  } else if (mode === 'chatty') {
    send({ type: 'progress', id: m.id, event: { stage: 'features', done: 1, total: 2, unit: 'images' } });
    send({ type: 'warning', id: m.id, message: 'a damaged cache entry was dropped' });
    send({ type: 'progress', id: m.id + 1000, event: { stage: 'features', done: 9, total: 9, unit: 'images' } });
    send({ type: 'done', id: m.id, result: { kind: 'export', outDir: arg }, peakRssMB: 7 });
  } else if (mode === 'polite') {
    polite.add(m.id);
  } else if (mode === 'exit') {
    process.stderr.write(arg, () => process.exit(3));
  } else if (mode === 'disconnect') {
    globalThis.keepRunning = true;
    setInterval(() => {}, 1000);
    process.disconnect();
  }
  // 'hang': never answers, ignores cancels
});
send({ type: 'ready', pid: process.pid });
`;

const OUT_OF_MEMORY = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';

let dir: string;
let workerPath: string;
const clients: EngineClient[] = [];

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fake-engine-'));
  workerPath = path.join(dir, 'fake-engine.cjs');
  await fs.writeFile(workerPath, FAKE_WORKER);
});

after(async () => {
  for (const client of clients) client.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

function makeClient(options: Partial<EngineClientOptions> = {}): EngineClient {
  const client = new EngineClient({ workerPath, cancelGraceMs: 100, ...options });
  clients.push(client);
  return client;
}

function fakeJob(mode: string, arg = ''): EngineJob {
  return { type: 'export', job: { reportDir: mode, outDir: arg } };
}

/** What the stand-in engine reports about itself (from an 'echo' job). */
async function echo(client: EngineClient): Promise<{ argv: string[]; flag: string | null; cancels: number[] }> {
  const outcome = await within(client.run(fakeJob('echo')));
  assert.equal(outcome.peakRssMB, 7);
  assert.equal(outcome.result.kind, 'export');
  return JSON.parse(outcome.result.outDir) as { argv: string[]; flag: string | null; cancels: number[] };
}

/** The promise, or a failure after `ms` (a job that never settles must fail the test, not hang it). */
function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await within(promise);
  } catch (error) {
    assert.ok(isVebiError(error), `expected a VebiError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  assert.fail('the job should have failed');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the engine starts with no extra node options or arguments, and with the environment it is given', async () => {
  const plain = makeClient();
  assert.equal(plain.pid, undefined, 'no process before the first job');
  process.env.VEBI_FAKE_FLAG = 'inherited';
  try {
    assert.deepEqual(await echo(plain), { argv: [], flag: 'inherited', cancels: [] });
    const custom = makeClient({ env: { ...process.env, VEBI_FAKE_FLAG: 'given' } });
    assert.equal((await echo(custom)).flag, 'given');
  } finally {
    delete process.env.VEBI_FAKE_FLAG;
  }
  const pid = plain.pid;
  assert.ok(pid !== undefined && pid !== process.pid);
  await echo(plain);
  assert.equal(plain.pid, pid, 'one process serves job after job');
});

test('progress and warnings reach the job they belong to, and only it', async () => {
  const client = makeClient();
  const progress: ProgressEvent[] = [];
  const warnings: string[] = [];
  const outcome = await within(client.run(fakeJob('chatty', 'out'), { onProgress: (e) => progress.push(e), onWarning: (m) => warnings.push(m) }));
  assert.equal(outcome.result.kind === 'export' && outcome.result.outDir, 'out');
  assert.deepEqual(progress, [{ stage: 'features', done: 1, total: 2, unit: 'images' }]);
  assert.deepEqual(warnings, ['a damaged cache entry was dropped']);
  // Without listeners the same events are simply dropped.
  assert.equal((await within(client.run(fakeJob('chatty', 'again')))).result.kind, 'export');
});

test('a job whose signal is already aborted is cancelled without starting the engine', async () => {
  const client = makeClient();
  const controller = new AbortController();
  controller.abort();
  assert.equal((await rejection(client.run(fakeJob('echo'), { signal: controller.signal }))).code, 'CANCELLED');
  assert.equal(client.pid, undefined);
});

test('an engine that ignores a cancel is killed after the grace period; the next job gets a fresh process', async () => {
  const client = makeClient({ cancelGraceMs: 50 });
  await echo(client);
  const first = client.pid;
  const controller = new AbortController();
  const hanging = client.run(fakeJob('hang'), { signal: controller.signal });
  controller.abort();
  const started = Date.now();
  assert.equal((await rejection(hanging)).code, 'CANCELLED');
  assert.ok(Date.now() - started < 2000, 'the grace period given is used, not the 3 s default');
  assert.equal(client.pid, undefined, 'the killed engine is no longer the running one');
  // Started right away, before the killed process has even exited: its exit must not fail this job.
  const next = await echo(client);
  assert.notEqual(client.pid, first);
  assert.deepEqual(next.cancels, [], 'the new process was sent nothing about the old job');
  const second = client.pid;
  await sleep(150);
  await echo(client);
  assert.equal(client.pid, second, 'the old process exiting later does not drop the new one');
});

test('two jobs cancelled together on an engine that ignores cancels: one kill, and a job started in between keeps its new process', async () => {
  const client = makeClient({ cancelGraceMs: 50 });
  const controller = new AbortController();
  const first = client.run(fakeJob('hang'), { signal: controller.signal });
  const second = client.run(fakeJob('hang'), { signal: controller.signal });
  const old = client.pid;
  let newer: number | undefined;
  // Both grace periods end in the same turn: the first kills the engine, and this job starts on a new one before the second ends.
  const between = first.catch(() => {
    const run = client.run(fakeJob('echo'));
    newer = client.pid;
    return run;
  });
  controller.abort();
  assert.equal((await rejection(second)).code, 'CANCELLED');
  assert.equal((await within(between)).result.kind, 'export');
  assert.ok(newer !== undefined && newer !== old);
  await echo(client);
  assert.equal(client.pid, newer, 'the second kill was for the old process only');
});

test('a cancelled job whose engine dies before its grace period ends is CANCELLED, not a crash', async () => {
  const client = makeClient({ cancelGraceMs: 10_000 });
  const controller = new AbortController();
  const hanging = client.run(fakeJob('hang'), { signal: controller.signal });
  const pid = client.pid;
  assert.ok(pid);
  controller.abort();
  process.kill(pid, 'SIGKILL'); // as when another cancelled job's grace period ended first and killed the engine
  assert.equal((await within(rejection(hanging))).code, 'CANCELLED');
  // A job that was not cancelled still reports the crash.
  const crashing = client.run(fakeJob('hang'));
  process.kill(client.pid as number, 'SIGKILL');
  assert.equal((await within(rejection(crashing))).code, 'ENGINE_CRASHED');
});

test('a cancel the engine honours keeps the process; aborting after a job ended sends nothing and kills nothing', async () => {
  const client = makeClient({ cancelGraceMs: 50 });
  await echo(client);
  const pid = client.pid;
  const controller = new AbortController();
  const running = client.run(fakeJob('polite'), { signal: controller.signal });
  controller.abort();
  assert.equal((await rejection(running)).code, 'CANCELLED');
  await sleep(150); // past the grace period: the kill timer must have been cleared
  assert.equal(client.pid, pid);
  assert.deepEqual((await echo(client)).cancels, [2]);

  const late = new AbortController();
  await within(client.run(fakeJob('echo'), { signal: late.signal }));
  late.abort();
  await sleep(150);
  assert.deepEqual((await echo(client)).cancels, [2], 'no cancel for a job that already ended');
  assert.equal(client.pid, pid, 'and no kill');
});

test('an engine that exits is reported with its exit code; running out of memory says what to do', async () => {
  const client = makeClient();
  const exited = await rejection(client.run(fakeJob('exit', 'some log line\n')));
  assert.equal(exited.code, 'ENGINE_CRASHED');
  assert.equal(exited.message, 'The VEBI engine process stopped unexpectedly (exit code 3). The next run starts a new one.');
  assert.equal(client.pid, undefined, 'no engine runs after the crash');

  const oom = await rejection(client.run(fakeJob('exit', OUT_OF_MEMORY)));
  assert.equal(oom.message, 'The VEBI engine process stopped unexpectedly (exit code 3). It ran out of memory: lower vebi.batchSize or use fewer images. The next run starts a new one.');

  // Only the end of the engine's error output is kept and read: an old message long scrolled past is not blamed.
  const old = await rejection(client.run(fakeJob('exit', OUT_OF_MEMORY + 'x'.repeat(5000))));
  assert.doesNotMatch(old.message, /memory/);
  assert.deepEqual((await echo(client)).argv, []);
});

test('an engine that drops its IPC channel is not written to; a cancel then ends in a kill', async () => {
  const client = makeClient({ cancelGraceMs: 50 });
  const controller = new AbortController();
  const running = client.run(fakeJob('disconnect'), { signal: controller.signal });
  await sleep(200);
  controller.abort();
  assert.equal((await rejection(running)).code, 'CANCELLED');
  await echo(client);
});

test('an engine that cannot start at all is reported, and the next job tries again', async () => {
  const client = makeClient();
  const realNode = process.execPath;
  process.execPath = path.join(dir, 'no-such-node');
  let failing: Promise<unknown>;
  try {
    failing = client.run(fakeJob('echo'));
  } finally {
    process.execPath = realNode;
  }
  const failed = await rejection(failing);
  assert.equal(failed.code, 'ENGINE_CRASHED');
  assert.match(failed.message, /^The VEBI engine process could not run: spawn .*no-such-node ENOENT$/);
  assert.deepEqual((await echo(client)).argv, []);
});
