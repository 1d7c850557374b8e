/**
 * The engine process started by the VS Code extension (over a Node IPC channel): requests in,
 * progress and results out, typed by src/shared/engine-protocol.ts. The extension host never
 * loads tfjs; if this process dies (out of memory...), the extension reports it and starts another.
 */
import { cancelledError, toPlainError, VebiError } from '../shared/errors';
import { isEngineRequest } from '../shared/engine-protocol';
import type { EngineEvent, EngineRequest } from '../shared/engine-protocol';
import type { ProgressEvent } from '../shared/progress';
import { explain, exportReport, interpret, loadModel, selectBackend } from '../engine';
import { generateFlowers } from '../engine/datasets';
import { runEvaluation } from './run-evaluation';

const running = new Map<number, AbortController>();

function send(event: EngineEvent): void {
  process.send?.(event);
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function run(request: Exclude<EngineRequest, { type: 'cancel' }>): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  const hooks = {
    signal: controller.signal,
    onProgress: (event: ProgressEvent) => send({ type: 'progress', id: request.id, event }),
    onWarning: (message: string) => send({ type: 'warning', id: request.id, message }),
  };
  try {
    if (request.type === 'inspect') {
      await selectBackend(request.job.backend);
      const model = await loadModel(request.job.modelPath);
      const result = { kind: 'model' as const, numClasses: model.numClasses, inputShape: [...model.inputShape] };
      model.dispose();
      send({ type: 'done', id: request.id, result, peakRssMB: peakRssMB() });
    } else if (request.type === 'flowers') {
      const made = await generateFlowers(request.job, hooks);
      send({ type: 'done', id: request.id, result: { kind: 'flowers', outDir: made.outDir, images: made.images, classes: made.classes.map((c) => c.name) }, peakRssMB: peakRssMB() });
    } else if (request.type === 'interpret') {
      const { job } = request;
      const result = await interpret({ modelPath: job.modelPath, dataDir: job.dataDir, outDir: job.outDir, params: job.params, backend: job.backend, onBadFile: job.onBadFile, cacheDir: job.cacheDir }, hooks);
      send({ type: 'done', id: request.id, result: { kind: 'interpretation', outDir: result.outDir, cached: result.cached, backend: result.report.backend }, peakRssMB: peakRssMB() });
    } else if (request.type === 'evaluate') {
      const { outDir, backend } = await runEvaluation(request.job, hooks);
      send({ type: 'done', id: request.id, result: { kind: 'evaluation', evaluation: request.job.kind, outDir, backend }, peakRssMB: peakRssMB() });
    } else if (request.type === 'export') {
      const { outDir } = await exportReport(request.job, hooks);
      send({ type: 'done', id: request.id, result: { kind: 'export', outDir }, peakRssMB: peakRssMB() });
    } else {
      const { job } = request;
      const result = await explain({ modelPath: job.modelPath, imagePath: job.imagePath, reportDir: job.reportDir, outDir: job.outDir, params: job.params, backend: job.backend, cacheDir: null }, hooks);
      send({ type: 'done', id: request.id, result: { kind: 'explanation', outDir: result.outDir, backend: result.report.backend }, peakRssMB: peakRssMB() });
    }
  } catch (error) {
    send({ type: 'failed', id: request.id, error: controller.signal.aborted ? cancelledError().toPlain() : toPlainError(error) });
  } finally {
    running.delete(request.id);
  }
}

process.on('message', (message: unknown) => {
  if (!isEngineRequest(message)) {
    send({ type: 'failed', id: -1, error: new VebiError('INTERNAL', 'The engine received a message it does not understand.').toPlain() });
    return;
  }
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  void run(message);
});

// The extension host went away: nothing left to work for. Exiting (not dying by a signal) runs the
// atomic writer's exit hook: no partial folder is left and a previous result is put back.
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, () => process.exit(130));
send({ type: 'ready', pid: process.pid });
