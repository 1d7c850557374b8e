/** The extension's engine process, for real: jobs, progress, cancel, and surviving a crash. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../src/extension/engine-client';
import { isVebiError } from '../../src/shared/errors';
import type { InterpretJob } from '../../src/shared/engine-protocol';
import type { ProgressEvent } from '../../src/shared/progress';
import { FIXTURE_SIZE, trainedFixture } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

let fixture: TrainedFixture;
let client: EngineClient;

function job(out: string, extra: Partial<InterpretJob> = {}): InterpretJob {
  return { modelPath: fixture.modelPath, dataDir: fixture.dataDir, outDir: path.join(fixture.root, out), params: { topK: 4 }, backend: 'wasm', onBadFile: 'skip', cacheDir: null, ...extra };
}

before(async () => {
  fixture = await trainedFixture();
  client = new EngineClient({ workerPath: path.resolve(__dirname, '../../src/worker/engine-worker.ts'), execArgv: ['--import', 'tsx'], cancelGraceMs: 5000 });
});

after(() => client.dispose());

test('interpret and explain run in the engine process with progress', async () => {
  const events: ProgressEvent[] = [];
  const outcome = await client.run({ type: 'interpret', job: job('ec-report') }, { onProgress: (e) => events.push(e) });
  assert.equal(outcome.result.kind, 'interpretation');
  assert.equal(outcome.result.backend, 'wasm');
  assert.ok(outcome.peakRssMB > 50);
  assert.ok(events.some((e) => e.stage === 'features' && e.done === 60));
  await fs.access(path.join(fixture.root, 'ec-report', 'report.json'));
  assert.notEqual(client.pid, process.pid);
  const explained = await client.run({
    type: 'explain',
    job: { modelPath: fixture.modelPath, imagePath: path.join(fixture.dataDir, '1', 'img-0001.png'), reportDir: path.join(fixture.root, 'ec-report'), outDir: path.join(fixture.root, 'ec-explain'), params: {}, backend: 'wasm' },
  });
  assert.equal(explained.result.kind, 'explanation');
  await fs.access(path.join(fixture.root, 'ec-explain', 'explanation.json'));
});

test("inspect reads the model's class count and input without images; flowers writes the benchmark", async () => {
  const inspected = await client.run({ type: 'inspect', job: { modelPath: fixture.modelPath, backend: 'wasm' } });
  assert.deepEqual(inspected.result, { kind: 'model', numClasses: fixture.classes.length, inputShape: [FIXTURE_SIZE, FIXTURE_SIZE, 3] });
  await assert.rejects(client.run({ type: 'inspect', job: { modelPath: path.join(fixture.root, 'no-model.json'), backend: 'wasm' } }), (error) => isVebiError(error) && error.message.includes('no-model.json'));
  const outDir = path.join(fixture.root, 'ec-flowers');
  const flowers = await client.run({ type: 'flowers', job: { outDir, variant: 'single-6c', perClass: 2, size: 32, seed: 3 } });
  assert.equal(flowers.result.kind, 'flowers');
  assert.equal((flowers.result as { images: number }).images, 12);
  assert.equal((flowers.result as { classes: string[] }).classes.length, 6);
  await fs.access(path.join(outDir, 'masks'));
});

test('engine errors arrive as VebiErrors with their code and path', async () => {
  await assert.rejects(client.run({ type: 'interpret', job: job('ec-missing', { dataDir: path.join(fixture.root, 'no-such-folder') }) }), (error) => {
    assert.ok(isVebiError(error));
    assert.equal(error.code, 'DATA_NOT_FOUND');
    assert.match(error.message, /no-such-folder/);
    return true;
  });
});

test('cancel stops the job and leaves nothing; the same process keeps working', async () => {
  const controller = new AbortController();
  const pid = client.pid;
  await assert.rejects(
    client.run({ type: 'interpret', job: job('ec-cancelled', { params: { batchSize: 2 } }) }, { signal: controller.signal, onProgress: (e) => e.stage === 'features' && e.done >= 4 && controller.abort() }),
    (error) => isVebiError(error) && error.code === 'CANCELLED',
  );
  assert.deepEqual((await fs.readdir(fixture.root)).filter((n) => n.includes('ec-cancelled')), []);
  const again = await client.run({ type: 'interpret', job: job('ec-again') });
  assert.equal(again.result.kind, 'interpretation');
  assert.equal(client.pid, pid, 'a cooperative cancel does not restart the process');
});

test('a crashed engine is reported, and the next job starts a new process', async () => {
  // Killed while the report folder is being written: its hidden partial sibling is left behind.
  const running = client.run({ type: 'interpret', job: job('ec-crash', { params: { topK: 3 } }) }, { onProgress: (e) => e.stage === 'interpret' && e.done >= 1 && process.kill(client.pid as number, 'SIGKILL') });
  await assert.rejects(running, (error) => isVebiError(error) && error.code === 'ENGINE_CRASHED' && /stopped unexpectedly \(signal SIGKILL\)/.test(error.message));
  assert.equal((await fs.readdir(fixture.root)).filter((n) => n.includes('ec-crash.partial')).length, 1);
  const recovered = await client.run({ type: 'interpret', job: job('ec-recovered') });
  assert.equal(recovered.result.kind, 'interpretation');
  // The dead writer's partial folder is swept by the next write to the same place.
  await client.run({ type: 'interpret', job: job('ec-crash') });
  assert.deepEqual((await fs.readdir(fixture.root)).filter((n) => n.includes('ec-crash')), ['ec-crash']);
});

test("the panel's runs and Export Report go through the output checks: a foreign folder is refused untouched", async () => {
  const foreign = path.join(fixture.root, 'ec-foreign');
  await fs.mkdir(foreign, { recursive: true });
  await fs.writeFile(path.join(foreign, 'thesis.txt'), 'keep me');
  const refused = (error: unknown) => isVebiError(error) && error.code === 'OUTPUT_REFUSED' && error.message.includes(foreign);
  await assert.rejects(client.run({ type: 'interpret', job: job('ec-foreign') }), refused);
  await assert.rejects(client.run({ type: 'export', job: { reportDir: path.join(fixture.root, 'ec-report'), outDir: foreign } }), refused);
  assert.deepEqual(await fs.readdir(foreign), ['thesis.txt']);
  assert.equal(await fs.readFile(path.join(foreign, 'thesis.txt'), 'utf8'), 'keep me');

  // A real export: the report and its explanations, with a manifest of its own; a second export replaces it.
  const exported = path.join(fixture.root, 'ec-export');
  const outcome = await client.run({ type: 'export', job: { reportDir: path.join(fixture.root, 'ec-report'), explanationsDir: path.join(fixture.root, 'ec-no-explanations'), outDir: exported } });
  assert.equal(outcome.result.kind, 'export');
  const names = await fs.readdir(exported);
  assert.ok(names.includes('report.json') && names.includes('vebi-output.json') && names.includes('index.html'), names.join(', '));
  await client.run({ type: 'export', job: { reportDir: path.join(fixture.root, 'ec-report'), outDir: exported } });
  // Exporting a report into itself would delete it.
  await assert.rejects(client.run({ type: 'export', job: { reportDir: path.join(fixture.root, 'ec-report'), outDir: path.join(fixture.root, 'ec-report') } }), (error) => isVebiError(error) && error.code === 'OUTPUT_REFUSED');
});
