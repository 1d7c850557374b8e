/**
 * Small parts of the extension (mutation tests): folder distance, panel labels, data-folder
 * reasons, and the engine client's cancel to an engine that dropped its IPC channel.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { EngineClient } from '../../src/extension/engine-client';
import { isVebiError } from '../../src/shared/errors';
import { pidAlive } from '../helpers/pid-alive';
import { foldersApart } from '../../src/extension/folder-distance';
import { panelLabel } from '../../src/extension/panel/panel-label';
import { rankDataFolders } from '../../src/extension/rank-data-folders';

test('foldersApart: the last part of the file path is its name, not a folder', () => {
  // A file named like the model's folder, beside that folder, is one folder up.
  assert.equal(foldersApart('/w/m', '/w/m'), 1);
  assert.equal(foldersApart('/w/m', '/w/m/train.py'), 0);
});

test('panelLabel: a leading slash adds no empty folder name', () => {
  assert.equal(panelLabel('/model.json'), 'model.json');
  assert.equal(panelLabel('/mnist/model.json'), 'mnist');
});

test('rankDataFolders: a model with one class is said to have "1 class"', () => {
  const [ranked] = rankDataFolders([{ path: '/w/data', classes: 2, sampledImages: 10 }], { modelDir: '/w/model', numClasses: 1 });
  assert.equal(ranked.reason, '2 class folders; the model has 1 class');
});

/** A stand-in engine that drops its IPC channel on the first job and keeps running (for 5 s at most). */
const DISCONNECTING_WORKER = `
setTimeout(() => process.exit(0), 5000).unref();
process.on('message', () => { setInterval(() => {}, 1000); process.disconnect(); });
`;

test('engine client: a cancel is not sent over a dropped channel, so the grace period ends in a kill', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-small-mutants-'));
  const workerPath = path.join(dir, 'worker.cjs');
  await fs.writeFile(workerPath, DISCONNECTING_WORKER);
  const client = new EngineClient({ workerPath, cancelGraceMs: 50 });
  try {
    const controller = new AbortController();
    const running = client.run({ type: 'export', job: { reportDir: 'x', outDir: 'y' } }, { signal: controller.signal });
    const pid = client.pid;
    assert.ok(pid !== undefined);
    await sleep(300);
    controller.abort();
    const error: unknown = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isVebiError(error) && error.code === 'CANCELLED', String(error));
    // Sending anyway would fail the job at once on the channel error, and the engine would never be killed.
    for (let i = 0; i < 50 && pidAlive(pid); i++) await sleep(20);
    assert.equal(pidAlive(pid), false, 'the engine that ignored the cancel was killed');
  } finally {
    client.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
