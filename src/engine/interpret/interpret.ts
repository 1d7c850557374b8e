/**
 * `interpret`: model + labelled folder -> report folder (report.json, PNGs, index.html).
 * Stages: load, features, solve, interpret (visuals), write. Cached by content hash.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError } from '../../shared/errors';
import { DEFAULT_INTERPRET_PARAMS } from '../../shared/params';
import type { BackendChoice, InterpretParams } from '../../shared/params';
import type { ProgressListener } from '../../shared/progress';
import { REPORT_SCHEMA_VERSION } from '../../shared/report';
import type { ClassResult, FeatureVisual, InterpretReport, WeightedFeature } from '../../shared/report';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { hashDataListing, hashModel, hashParts } from '../cache/content-hash';
import { ResultCache } from '../cache/result-cache';
import { checkClassCount, readPreprocessingSidecar, scanDataset } from '../data';
import { extractFeatures } from '../features/extract-features';
import { loadModel } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import type { VebiModel } from '../model/types';
import { copyFolderAtomically, writeFolderAtomically } from '../fs/atomic-folder';
import { checkOutputTarget } from '../fs/output-target';
import { readInterpretation } from '../report/read-report';
import { writeInterpretHtml } from '../report/interpret-html';
import { stripUndefined } from '../strip-undefined';
import { TOOL } from '../tool';
import { formatPreprocessing } from '../../shared/preprocessing-text';
import { inputWarnings, sampleImages } from './input-warnings';
import { interpretationWarnings } from './interpretation-warnings';
import { FeatureTable, visualFileStem, visualKey } from './feature-table';
import { StreamedGram, fitClassWeights, weightMatrix } from './fit-weights';
import type { ClassFit } from './fit-weights';
import { renderFeatureVisual } from './feature-visual';
import { ImageSource } from './image-source';
import { RateMeter } from '../progress/rate-meter';

export interface InterpretOptions {
  modelPath: string;
  dataDir: string;
  outDir: string;
  params?: Partial<InterpretParams>;
  backend?: BackendChoice;
  onBadFile?: 'skip' | 'fail';
  /** Folder of the result cache; null disables caching. */
  cacheDir?: string | null;
  /** Visualised features per class from each side of the signed fit (present / absent). */
  signedVisualsPerClass?: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Things the user should know that do not stop the run (a damaged cache entry dropped...). */
  onWarning?: (message: string) => void;
}

export interface InterpretResult {
  report: InterpretReport;
  outDir: string;
  cached: boolean;
}

/** Weights this small are zero: the solver is exact well below it. */
const ZERO_WEIGHT = 1e-9;

export async function interpret(options: InterpretOptions, hooks: RunHooks = {}): Promise<InterpretResult> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const throwIfCancelled = () => {
    if (hooks.signal?.aborted) throw cancelledError();
  };
  const outDir = path.resolve(options.outDir);
  const modelPath = path.resolve(options.modelPath);
  const dataDir = path.resolve(options.dataDir);
  const output = { kind: 'interpretation', inputs: [modelPath, dataDir], dataFolders: [dataDir], signal: hooks.signal } as const;
  await checkOutputTarget(outDir, output);
  hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 0, total: 2, message: 'Reading the data folder' });
  const sidecar = await readPreprocessingSidecar(modelPath);
  // Class i of the model is the i-th folder in sorted order, as Keras and torchvision assign labels,
  // unless vebi.json names the classes.
  const dataset = await scanDataset(dataDir, { order: 'lexicographic', classNames: sidecar?.classNames });
  const params: InterpretParams = {
    ...DEFAULT_INTERPRET_PARAMS,
    ...(sidecar?.preprocessing ? { preprocessing: sidecar.preprocessing } : {}),
    ...stripUndefined(options.params ?? {}),
  };
  validateParams(params);
  const onBadFile = options.onBadFile ?? 'skip';
  const signedVisuals = options.signedVisualsPerClass ?? 8;

  const modelHash = await hashModel(modelPath);
  const cacheKey = hashParts([TOOL.version, REPORT_SCHEMA_VERSION, modelHash, await hashDataListing(dataset.items), params, onBadFile, signedVisuals]);
  const cache = options.cacheDir === null ? undefined : options.cacheDir ? new ResultCache(options.cacheDir) : undefined;
  const hit = await cache?.lookup(cacheKey, hooks.onWarning);
  if (hit) {
    await copyFolderAtomically(hit, outDir, output);
    return { report: (await readInterpretation(outDir)).report, outDir, cached: true };
  }

  const backend = await selectBackend(options.backend ?? 'auto');
  const model = restrictFeatureLayers(await loadModel(modelPath), params.layers);
  try {
    checkClassCount(dataset.classes, model.numClasses, dataset.root);
    requireImageChannels(model);
    timings.loadMs = performance.now() - started;
    hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 2, total: 2 });
    throwIfCancelled();

    let t0 = performance.now();
    const streamedGram = new StreamedGram(model.featureCount, model.numClasses, params.labels);
    const extraction = await extractFeatures(model, dataset.items, {
      preprocessing: params.preprocessing,
      batchSize: params.batchSize,
      topK: params.topK,
      l2Normalize: params.l2Normalize,
      onBadFile,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      onVectors: streamedGram.add,
    });
    timings.featuresMs = performance.now() - t0;
    timings.imagesPerSecond = timings.featuresMs > 0 ? extraction.count / (timings.featuresMs / 1000) : 0; // never Infinity: JSON would write null
    if (extraction.count === 0) {
      throw new VebiError('DATA_NOT_FOUND', `No image in ${dataset.root} could be read; check the files listed as skipped.`, dataset.root);
    }
    throwIfCancelled();

    t0 = performance.now();
    const gram = streamedGram.finish();
    const fits = await fitClassWeights(gram, params.mu, hooks);
    throwIfCancelled();
    // The Gram build ran inside the extraction (its time is also in featuresMs); solveMs is the fits'.
    timings.gramMs = streamedGram.ms;
    timings.solveMs = performance.now() - t0;

    const table = new FeatureTable(model.layers);
    const classes = dataset.classes.map((name, j) =>
      classResult(name, j, fits.nonNegative[j], fits.signed[j], table, extraction.labels, signedVisuals),
    );
    const warnings = [
      ...interpretationWarnings({
        classes: dataset.classes,
        labels: extraction.labels,
        predictions: extraction.predictions,
        relevantCounts: classes.map((c) => c.relevant.length),
        preprocessing: formatPreprocessing(params.preprocessing),
      }),
      ...inputWarnings(await sampleImages(dataset.items.map((item) => item.path)), model.inputShape, dataset.root),
    ];
    const report = await writeFolderAtomically(outDir, async (tempDir) => {
      t0 = performance.now();
      const visuals = await renderVisuals(model, classes, extraction, params, tempDir, hooks);
      timings.visualsMs = performance.now() - t0;
      hooks.onProgress?.({ stage: 'write', unit: 'files', done: 0, total: 1 });
      const weights = await writeWeights(tempDir, fits, extraction.topK, model.featureCount, model.numClasses);
      timings.totalMs = performance.now() - started;
      const built: InterpretReport = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        kind: 'interpretation',
        tool: TOOL,
        createdAt: new Date().toISOString(),
        backend,
        ...threadsOf(describeBackend().threads),
        cacheKey,
        model: {
          path: modelPath,
          format: model.format,
          inputShape: model.inputShape,
          numClasses: model.numClasses,
          layers: model.layers,
          featureCount: model.featureCount,
        },
        data: {
          path: dataset.root,
          classes: dataset.classes,
          numImages: extraction.count,
          skipped: extraction.skipped,
          ...accuracy(extraction.labels, extraction.predictions, model.numClasses),
        },
        params,
        classes,
        visuals,
        weights,
        warnings,
        timings,
      };
      await fs.writeFile(path.join(tempDir, 'report.json'), JSON.stringify(built, null, 1));
      await writeInterpretHtml(tempDir, built);
      throwIfCancelled();
      return built;
    }, output);
    hooks.onProgress?.({ stage: 'write', unit: 'files', done: 1, total: 1 });
    await storeInCache(cache, cacheKey, modelHash, outDir, hooks);
    return { report, outDir, cached: false };
  } finally {
    model.dispose();
  }
}

/** A cache that cannot be written (full, read-only) costs the next run its speed-up, not this run. */
async function storeInCache(cache: ResultCache | undefined, key: string, modelHash: string, outDir: string, hooks: RunHooks): Promise<void> {
  if (!cache) return;
  try {
    await cache.store(key, modelHash, outDir);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    hooks.onWarning?.(`The result could not be kept in the cache ${cache.dir} (${detail}); the next run recomputes it.`);
  }
}

function validateParams(params: InterpretParams): void {
  const bad = (what: string) => {
    throw new VebiError('BAD_ARGUMENT', what);
  };
  if (!(params.mu >= 0) || !Number.isFinite(params.mu)) bad(`mu must be a number >= 0 (got ${params.mu}).`);
  if (!Number.isInteger(params.topK) || params.topK < 1 || params.topK > 256) bad(`top-k must be an integer from 1 to 256 (got ${params.topK}).`);
  if (!Number.isInteger(params.batchSize) || params.batchSize < 1 || params.batchSize > 4096) bad(`batch size must be an integer from 1 to 4096 (got ${params.batchSize}).`);
  if (params.labels !== 'gt' && params.labels !== 'predicted') bad(`labels must be "gt" or "predicted" (got ${String(params.labels)}).`);
}

function requireImageChannels(model: VebiModel): void {
  const channels = model.inputShape[2];
  if (channels !== 1 && channels !== 3) {
    throw new VebiError('MODEL_UNSUPPORTED', `The model takes ${channels}-channel input; only grey (1) and RGB (3) images are supported.`, model.path);
  }
}

function weighted(w: Float64Array, table: FeatureTable, sign: 1 | -1): WeightedFeature[] {
  const list: WeightedFeature[] = [];
  for (let f = 0; f < w.length; f++) {
    if (sign * w[f] > ZERO_WEIGHT) list.push({ ...table.at(f), weight: w[f] });
  }
  return list.sort((a, b) => sign * (b.weight - a.weight));
}

function classResult(name: string, index: number, fit: ClassFit, signed: ClassFit, table: FeatureTable, labels: Int32Array, signedVisuals: number): ClassResult {
  const relevant = weighted(fit.w, table, 1);
  const present = weighted(signed.w, table, 1);
  const absent = weighted(signed.w, table, -1);
  for (const feature of [...relevant, ...present.slice(0, signedVisuals), ...absent.slice(0, signedVisuals)]) feature.visual = visualKey(feature);
  const perLayer: Record<string, number> = {};
  for (const feature of relevant) perLayer[feature.layer] = (perLayer[feature.layer] ?? 0) + 1;
  const summary = (f: ClassFit) => ({ objective: f.objective, l1: f.l1, kktViolation: f.kktViolation, iterations: f.iterations, ms: f.ms });
  return {
    index,
    name,
    count: labels.reduce((n, label) => n + (label === index ? 1 : 0), 0),
    relevant,
    present,
    absent,
    perLayer,
    solve: summary(fit),
    signedSolve: summary(signed),
  };
}

async function renderVisuals(
  model: VebiModel,
  classes: ClassResult[],
  extraction: Awaited<ReturnType<typeof extractFeatures>>,
  params: InterpretParams,
  reportDir: string,
  hooks: RunHooks,
): Promise<Record<string, FeatureVisual>> {
  const wanted = new Map<string, WeightedFeature>();
  for (const result of classes) {
    for (const feature of [...result.relevant, ...result.present, ...result.absent]) {
      if (feature.visual && !wanted.has(feature.visual)) wanted.set(feature.visual, feature);
    }
  }
  await fs.mkdir(path.join(reportDir, 'features'), { recursive: true });
  const [height, width, channels] = model.inputShape;
  // A top image that vanished or broke since the extraction is left out of its crops and listed as skipped.
  const images = new ImageSource(extraction.items, { height, width, channels: channels as 1 | 3 }, params.preprocessing, {
    onSkip: (skipped) => extraction.skipped.push({ path: skipped.path, reason: skipped.reason }),
  });
  const visuals: Record<string, FeatureVisual> = {};
  const meter = new RateMeter(wanted.size);
  let done = 0;
  for (const [key, feature] of wanted) {
    if (hooks.signal?.aborted) throw cancelledError();
    const top = extraction.topK.top(feature.index);
    visuals[key] = await renderFeatureVisual(model, { layer: feature.layer, channel: feature.channel, fileStem: visualFileStem(feature) }, top, images, reportDir);
    hooks.onProgress?.({ stage: 'interpret', unit: 'features', ...meter.update(++done) });
  }
  return visuals;
}

async function writeWeights(dir: string, fits: { nonNegative: ClassFit[]; signed: ClassFit[] }, topK: Awaited<ReturnType<typeof extractFeatures>>['topK'], m: number, numClasses: number): Promise<InterpretReport['weights']> {
  const matrix = (list: ClassFit[]) => Buffer.from(weightMatrix(list, m, numClasses).buffer);
  const peaks = new Float32Array(m);
  for (let f = 0; f < m; f++) peaks[f] = topK.top(f)[0]?.response ?? 0;
  await fs.writeFile(path.join(dir, 'weights-nonnegative.f32'), matrix(fits.nonNegative));
  await fs.writeFile(path.join(dir, 'weights-signed.f32'), matrix(fits.signed));
  await fs.writeFile(path.join(dir, 'peak-responses.f32'), Buffer.from(peaks.buffer));
  return { nonNegative: 'weights-nonnegative.f32', signed: 'weights-signed.f32', peakResponses: 'peak-responses.f32', featureCount: m, numClasses };
}

function accuracy(labels: Int32Array, predictions: Int32Array, numClasses: number): { accuracy: number; perClassAccuracy: number[] } {
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  labels.forEach((label, i) => {
    total[label]++;
    if (predictions[i] === label) correct[label]++;
  });
  const all = correct.reduce((a, b) => a + b, 0);
  return { accuracy: labels.length ? all / labels.length : 0, perClassAccuracy: total.map((t, j) => (t ? correct[j] / t : 0)) };
}

function threadsOf(threads: number | undefined): { backendThreads?: number } {
  return threads === undefined ? {} : { backendThreads: threads };
}
