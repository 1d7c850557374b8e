/**
 * One `interpret` run in its own process, so its peak RSS is its own. Prints one JSON line.
 *   node --expose-gc --import tsx bench/interpret-child.ts --model M --data DIR --out DIR [--backend B]
 * (A smaller N is a subset folder the parent makes: bench/subset-folder.ts; making it here would put
 * 15,000 file links into this process's peak.)
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { interpret, loadModel, selectBackend } from '../src/engine';
import type { BackendChoice } from '../src/shared/params';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: 'auto' } } });
  const dataDir = values.data as string;
  // The process before the job: backend started, model loaded once. Peak RSS above this is the job's.
  await selectBackend(values.backend as BackendChoice);
  (await loadModel(values.model as string)).dispose();
  // A collected heap before the baseline (the parent passes --expose-gc): otherwise the baseline
  // swings by tens of MB with where the collector happens to be, and the figure with it.
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
  const modelMB = await weightBytes(path.dirname(values.model as string)) / 2 ** 20;
  const started = performance.now();
  const { report } = await interpret({ modelPath: values.model as string, dataDir, outDir: values.out as string, backend: values.backend as BackendChoice, cacheDir: null });
  const featureMatrixMB = (report.data.numImages * report.model.featureCount * 4) / 2 ** 20;
  process.stdout.write(
    `${JSON.stringify({
      images: report.data.numImages,
      features: report.model.featureCount,
      backend: report.backend,
      ...report.timings,
      wallMs: performance.now() - started,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      baselineRssMB,
      modelMB,
      featureMatrixMB,
    })}\n`,
  );
}

/** Bytes of a model folder's weight files. */
async function weightBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir)) if (/\.(bin|h5|keras)$|weights/.test(name)) total += (await fs.stat(path.join(dir, name))).size;
  return total;
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
