/**
 * `evaluateAblation` (method.md section 5, "importance of the selected features"): for each class,
 * zero its relevant features (the top-n by weight, for several n, and all of them) and measure the
 * accuracy on that class and on the others; compare with zeroing n random features (several draws).
 * Writes ablation.json, ablation.md and ablation.png into the output folder, all or nothing.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError } from '../../shared/errors';
import type { BackendChoice } from '../../shared/params';
import type { ProgressListener } from '../../shared/progress';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { checkClassCount, scanDataset } from '../data';
import type { DatasetItem } from '../data';
import { checkReportMatchesModel } from '../explain/report-weights';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { checkOutputTarget } from '../fs/output-target';
import { outputOptions } from './output-options';
import { FeatureTable } from '../interpret/feature-table';
import { loadModel, resolveModelJson } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import { RateMeter } from '../progress/rate-meter';
import { readInterpretation } from '../report/read-report';
import { TOOL } from '../tool';
import { classVsOthers, loadHeldOut, perClassAccuracy, predictAll } from './ablation-data';
import { ablationMarkdown } from './ablation-markdown';
import { renderAblationPlot } from './ablation-plot';
import { type AblationCount, effectiveCount, randomFeatures, relevantFeatures, setKey, toChannelAblation } from './ablation-sets';
import { summarize } from './ablation-summary';
import type { AblationSummary } from './ablation-types';

export interface AblationOptions {
  modelPath: string;
  /** Labelled held-out images, one sub-folder per class (the report's class names). */
  dataDir: string;
  /** Interpretation report folder (vebi interpret) of the same model. */
  reportDir: string;
  outDir: string;
  /** Numbers of features to ablate; default 1, 2, 4, 8, 16, all. */
  counts?: AblationCount[];
  /** Random draws per count; default 10. */
  draws?: number;
  seed?: number;
  batchSize?: number;
  /** Use at most this many images per class (the first ones in folder order). */
  maxPerClass?: number;
  backend?: BackendChoice;
  onBadFile?: 'skip' | 'fail';
}

export interface EvaluateHooks {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface AblationResult {
  summary: AblationSummary;
  outDir: string;
}

export const DEFAULT_ABLATION_COUNTS: AblationCount[] = [1, 2, 4, 8, 16, 'all'];

/** Per-class correct/total counts of one ablated run. */
type Counts = { correct: number[]; total: number[] };

export async function evaluateAblation(options: AblationOptions, hooks: EvaluateHooks = {}): Promise<AblationResult> {
  const started = performance.now();
  const counts = options.counts ?? DEFAULT_ABLATION_COUNTS;
  const draws = options.draws ?? 10;
  const seed = options.seed ?? 1;
  const batchSize = options.batchSize ?? 128;
  validate(counts, draws, seed, batchSize, options.maxPerClass);
  const outDir = path.resolve(options.outDir);
  const modelPath = path.resolve(options.modelPath);
  const output = outputOptions('ablation', options, hooks.signal);
  await checkOutputTarget(outDir, output);

  const interpretation = await readInterpretation(options.reportDir);
  const { report } = interpretation;
  // The report's class order is the order of its weight columns: scan the folder in that order.
  const dataset = await scanDataset(path.resolve(options.dataDir), { classNames: report.data.classes });
  const items = limitPerClass(dataset.items, dataset.classes.length, options.maxPerClass);
  const backend = await selectBackend(options.backend ?? 'auto');
  const model = restrictFeatureLayers(await loadModel(modelPath), report.params.layers);
  try {
    checkReportMatchesModel(interpretation, model);
    checkClassCount(dataset.classes, model.numClasses, dataset.root);
    const warnings: string[] = [];
    // The report may name the model's folder or its model.json: compare the files they resolve to.
    const reportModel = await resolveModelJson(report.model.path).catch(() => path.resolve(report.model.path));
    if (reportModel !== model.path) {
      warnings.push(`The report was made from ${report.model.path}, not ${model.path}; the layers match, but check it is the same trained model.`);
    }
    const [height, width, channels] = model.inputShape;
    const images = await loadHeldOut(items, { height, width, channels: channels as 1 | 3 }, report.params.preprocessing, {
      batchSize,
      onBadFile: options.onBadFile ?? 'skip',
      signal: hooks.signal,
      onProgress: hooks.onProgress,
    });
    if (images.labels.length === 0) throw new VebiError('DATA_NOT_FOUND', `No image in ${dataset.root} could be read; check the files listed as skipped.`, dataset.root);
    const timings: Record<string, number> = { loadMs: performance.now() - started };

    // Every distinct feature set to ablate: the baseline (none), each class's top-n, random draws.
    const C = model.numClasses;
    const m = model.featureCount;
    const relevant = Array.from({ length: C }, (_, c) => relevantFeatures(interpretation.nonNegative, m, C, c));
    const sets = new Map<string, number[]>([['', []]]);
    const add = (features: number[]) => sets.set(setKey(features), features);
    const randomCounts = new Set<number>();
    for (let c = 0; c < C; c++) {
      for (const n of counts) {
        const k = effectiveCount(n, relevant[c].length);
        add(relevant[c].slice(0, k));
        randomCounts.add(k);
      }
    }
    const randomSets = new Map<number, number[][]>();
    for (const k of randomCounts) randomSets.set(k, Array.from({ length: draws }, (_, d) => randomFeatures(m, k, seed, d)));
    for (const list of randomSets.values()) list.forEach(add);

    const t0 = performance.now();
    const table = new FeatureTable(model.layers);
    const results = new Map<string, Counts>();
    const meter = new RateMeter(sets.size);
    for (const [key, features] of sets) {
      if (hooks.signal?.aborted) throw cancelledError();
      const predictions = await predictAll(model, images, toChannelAblation(features, (f) => table.at(f)), hooks.signal);
      results.set(key, perClassAccuracy(predictions, images.labels, C));
      hooks.onProgress?.({ stage: 'evaluate', unit: 'steps', ...meter.update(results.size), message: `ablation runs over ${images.labels.length} images` });
    }
    timings.ablationMs = performance.now() - t0;
    timings.forwardRuns = sets.size;

    const at = (features: number[]) => results.get(setKey(features)) as Counts;
    const base = at([]);
    const classes = Array.from({ length: C }, (_, c) => ({
      index: c,
      name: dataset.classes[c],
      images: base.total[c],
      relevant: relevant[c].map((f) => ({ ...table.at(f), weight: interpretation.nonNegative[f * C + c] })),
      baseline: classVsOthers(base, c),
      perCount: counts.map((n) => {
        const k = effectiveCount(n, relevant[c].length);
        return {
          n,
          ablated: k,
          relevant: classVsOthers(at(relevant[c].slice(0, k)), c),
          random: (randomSets.get(k) as number[][]).map((set) => classVsOthers(at(set), c)),
        };
      }),
    }));
    const correct = base.correct.reduce((a, b) => a + b, 0);
    timings.totalMs = performance.now() - started;
    const summary = summarize(classes, {
      kind: 'ablation',
      tool: TOOL,
      createdAt: new Date().toISOString(),
      backend,
      ...(describeBackend().threads === undefined ? {} : { backendThreads: describeBackend().threads }),
      model: { path: model.path, featureCount: m, numClasses: C },
      report: interpretation.dir,
      data: { path: dataset.root, classes: dataset.classes, numImages: images.labels.length, skipped: images.skipped.map((s) => ({ path: s.path, reason: s.reason })) },
      params: { counts, draws, seed, randomPool: 'all-features', ...(options.maxPerClass === undefined ? {} : { maxPerClass: options.maxPerClass }) },
      baselineAccuracy: correct / images.labels.length,
      warnings,
      timings,
    });

    hooks.onProgress?.({ stage: 'write', unit: 'files', done: 0, total: 3 });
    await writeFolderAtomically(outDir, async (temp) => {
      await fs.writeFile(path.join(temp, 'ablation.json'), `${JSON.stringify(summary, null, 1)}\n`);
      await fs.writeFile(path.join(temp, 'ablation.md'), ablationMarkdown(summary));
      await fs.writeFile(path.join(temp, 'ablation.png'), await renderAblationPlot(summary));
      if (hooks.signal?.aborted) throw cancelledError();
    }, output);
    hooks.onProgress?.({ stage: 'write', unit: 'files', done: 3, total: 3 });
    return { summary, outDir };
  } finally {
    model.dispose();
  }
}

function validate(counts: AblationCount[], draws: number, seed: number, batchSize: number, maxPerClass: number | undefined): void {
  const bad = (what: string) => {
    throw new VebiError('BAD_ARGUMENT', what);
  };
  if (counts.length === 0) bad('Give at least one number of features to ablate (for example 1,2,4,8,16,all).');
  for (const n of counts) if (n !== 'all' && (!Number.isInteger(n) || n < 0)) bad(`Counts of features to ablate must be integers >= 0 or "all" (got ${String(n)}).`);
  if (new Set(counts).size !== counts.length) bad(`The counts of features to ablate list a value twice (${counts.join(',')}).`);
  if (!Number.isInteger(draws) || draws < 1 || draws > 1000) bad(`draws must be an integer from 1 to 1000 (got ${draws}).`);
  if (!Number.isInteger(seed)) bad(`seed must be an integer (got ${seed}).`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 4096) bad(`batch size must be an integer from 1 to 4096 (got ${batchSize}).`);
  if (maxPerClass !== undefined && (!Number.isInteger(maxPerClass) || maxPerClass < 1)) bad(`max-per-class must be a positive integer (got ${maxPerClass}).`);
}

function limitPerClass(items: DatasetItem[], numClasses: number, max: number | undefined): DatasetItem[] {
  if (max === undefined) return items;
  const taken = new Array<number>(numClasses).fill(0);
  return items.filter((item) => taken[item.label]++ < max);
}

