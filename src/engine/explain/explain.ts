/**
 * `explain`: model + image + interpretation report -> explanation folder (explanation.json,
 * heatmaps, overlays, the paired interpretation images, index.html).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError, isVebiError } from '../../shared/errors';
import { formatPreprocessing } from '../../shared/preprocessing-text';
import { DEFAULT_EXPLAIN_PARAMS } from '../../shared/params';
import type { BackendChoice, ExplainParams, Preprocessing } from '../../shared/params';
import { REPORT_SCHEMA_VERSION } from '../../shared/report';
import type { ExplanationReport, FeatureVisual } from '../../shared/report';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { hashModel } from '../cache/content-hash';
import { ResultCache } from '../cache/result-cache';
import { decodeImage, decodeImageOriginal, preprocess } from '../data';
import type { RunHooks } from '../interpret/interpret';
import { loadModel } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { confinedJoin, confinedRealPath } from '../fs/confine';
import { checkOutputTarget } from '../fs/output-target';
import { LIMITS, readRegularFile } from '../fs/safe-read';
import { writeExplainHtml } from '../report/explain-html';
import { readInterpretation } from '../report/read-report';
import type { LoadedInterpretation } from '../report/read-report';
import { stripUndefined } from '../strip-undefined';
import { TOOL } from '../tool';
import { computeExplanation } from './compute-explanation';
import { methodExplanation } from './method-explanation';
import { explanationMethod } from './methods';
import { OVERLAY_MAX_SIDE, renderHeatmapFiles } from './render-heatmaps';
import { reportWeights } from './report-weights';
import { pixelStats, sampleFolderStats, unlikeDataWarnings } from './unlike-data';

export interface ExplainOptions {
  modelPath: string;
  imagePath: string;
  /** Interpretation report folder; when absent, the latest cached one for this model. */
  reportDir?: string;
  outDir: string;
  params?: Partial<ExplainParams>;
  backend?: BackendChoice;
  cacheDir?: string | null;
}

export interface ExplainResult {
  report: ExplanationReport;
  outDir: string;
}

export async function explain(options: ExplainOptions, hooks: RunHooks = {}): Promise<ExplainResult> {
  const started = performance.now();
  const params: ExplainParams = { ...DEFAULT_EXPLAIN_PARAMS, ...stripUndefined(options.params ?? {}) };
  if (!Number.isInteger(params.topFeatures) || params.topFeatures < 1 || params.topFeatures > 32) {
    throw new VebiError('BAD_ARGUMENT', `The number of features must be an integer from 1 to 32 (got ${params.topFeatures}).`);
  }
  const method = explanationMethod(params.method ?? 'vebi');
  const modelPath = path.resolve(options.modelPath);
  const imagePath = path.resolve(options.imagePath);
  const outDir = path.resolve(options.outDir);
  const reportInput = options.reportDir ? path.resolve(options.reportDir) : undefined;
  const output = { kind: 'explanation', inputs: [modelPath, imagePath, reportInput], dataFolders: [reportInput], signal: hooks.signal } as const;
  await checkOutputTarget(outDir, output);
  // The image first: the cheapest input to check, and the one most often wrong.
  const original = await decodeImageOriginal(imagePath, OVERLAY_MAX_SIDE);
  const interpretation = await readInterpretation(await findReport(modelPath, options));
  const backend = await selectBackend(options.backend ?? 'auto');
  const loaded = await loadModel(modelPath);
  const model = restrictFeatureLayers(loaded, interpretation.report.params.layers);
  try {
    const weights = reportWeights(interpretation, model);
    const [height, width, channels] = model.inputShape;
    const timings: Record<string, number> = { loadMs: performance.now() - started };
    hooks.onProgress?.({ stage: 'explain', unit: 'steps', done: 0, total: 2 });
    const shape = { height, width, channels: channels as 1 | 3 };
    const pixels = await decodeImage(imagePath, shape);
    if (hooks.signal?.aborted) throw cancelledError();
    const warnings = unlikeDataWarnings(pixelStats(pixels), await sampleFolderStats(interpretation.report.data.path, interpretation.report.data.classes, shape), interpretation.report.data.path);

    const t0 = performance.now();
    const { report: interp } = interpretation;
    const input = preprocess(pixels, channels, interp.params.preprocessing);
    // VEBI keeps its own path (features, absent checks); other methods give one map. Methods that do
    // not read the interpretation see every layer (Grad-CAM's default layer ignores --layers).
    const { other, explanation } = namingTheImage(imagePath, interp.params.preprocessing, () => {
      const other =
        method.name === 'vebi'
          ? undefined
          : methodExplanation(method, method.needsWeights ? model : loaded, input, {
              weights,
              topFeatures: params.topFeatures,
              stridedFix: options.params?.stridedFix,
              baseline: preprocess(new Uint8Array(input.length), channels, interp.params.preprocessing), // a black image
            });
      return { other, explanation: other ? other.explanation : computeExplanation(model, weights, input, params) };
    });
    timings.explainMs = performance.now() - t0;
    hooks.onProgress?.({ stage: 'explain', unit: 'steps', done: 1, total: 2 });
    if (hooks.signal?.aborted) throw cancelledError();

    const report = await writeFolderAtomically(outDir, async (tempDir) => {
      const files = await renderHeatmapFiles(tempDir, explanation, original);
      const visualOf = async (key: string) => copyVisual(interpretation, key, tempDir);
      const built: ExplanationReport = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        kind: 'explanation',
        tool: TOOL,
        createdAt: new Date().toISOString(),
        backend,
        ...threadsOf(describeBackend().threads),
        image: imagePath,
        interpretation: path.join(interpretation.dir, 'report.json'),
        params: usedParams(params, other?.summary),
        ...(other ? { method: other.summary } : {}),
        prediction: {
          classIndex: explanation.classIndex,
          className: interp.data.classes[explanation.classIndex],
          probabilities: Array.from(explanation.probabilities, (probability, j) => ({ className: interp.data.classes[j], probability })),
        },
        features: await Promise.all(
          explanation.features.map(async (feature, i) => ({
            index: feature.index,
            layer: feature.layer,
            channel: feature.channel,
            score: feature.score,
            weight: feature.weight,
            response: feature.response,
            ...files.features[i],
            visual: await visualOf(`${feature.layer}:${feature.channel}`),
          })),
        ),
        combined: files.combined,
        absent: await Promise.all(
          explanation.absent.map(async (check, i) => ({
            index: check.index,
            layer: check.layer,
            channel: check.channel,
            weight: check.weight,
            relativeResponse: check.relativeResponse,
            flagged: check.flagged,
            ...(files.absent[i] ? { overlay: files.absent[i] } : {}),
            visual: await visualOf(`${check.layer}:${check.channel}`),
          })),
        ),
        input: files.input,
        ...(warnings.length ? { warnings } : {}),
        timings: { ...timings, totalMs: performance.now() - started },
      };
      const visuals = collectVisuals(interpretation, built);
      await fs.writeFile(path.join(tempDir, 'explanation.json'), JSON.stringify(built, null, 1));
      await writeExplainHtml(tempDir, built, visuals);
      if (hooks.signal?.aborted) throw cancelledError();
      return built;
    }, output);
    hooks.onProgress?.({ stage: 'explain', unit: 'steps', done: 2, total: 2 });
    return { report, outDir };
  } finally {
    model.dispose();
  }
}

/** A NON_FINITE from the model names the image explained and the preprocessing used. */
function namingTheImage<T>(imagePath: string, preprocessing: Preprocessing, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isVebiError(error) && error.code === 'NON_FINITE' && !error.path) {
      throw new VebiError('NON_FINITE', `${error.message.replace(' on the image explained', ` on image ${imagePath} (preprocessing ${formatPreprocessing(preprocessing)})`)}`, imagePath);
    }
    throw error;
  }
}

async function findReport(modelPath: string, options: ExplainOptions): Promise<string> {
  if (options.reportDir) return options.reportDir;
  const cached = options.cacheDir ? await new ResultCache(options.cacheDir).latestForModel(await hashModel(modelPath)) : undefined;
  if (!cached) {
    throw new VebiError('REPORT_NOT_FOUND', `No interpretation of ${modelPath} was found. Run "vebi interpret --model ${modelPath} --data <folder> --out <dir>" first, or pass --report <dir>.`, modelPath);
  }
  return cached;
}

/** Copies a feature's interpretation images into the explanation folder, so it stands alone. */
async function copyVisual(interpretation: LoadedInterpretation, key: string, outDir: string): Promise<string | undefined> {
  const visual = interpretation.report.visuals[key];
  if (!visual) return undefined;
  const source = path.join(interpretation.dir, 'report.json');
  const confine = { code: 'REPORT_INVALID', source, hint: 'Re-run "vebi interpret" to write a new report.' } as const;
  for (const file of [visual.average, visual.strip, visual.guided]) {
    // The report is untrusted input: each path must stay inside its folder, links included.
    const from = await confinedRealPath(interpretation.dir, file, confine);
    // Feature images live under features/ (as interpret writes them), so they cannot overwrite this explanation's own files.
    if (!file.startsWith('features/')) throw new VebiError('REPORT_INVALID', `The feature image "${file}" in ${source} is not under features/. Re-run "vebi interpret" to write a new report.`, source);
    const to = confinedJoin(outDir, file, confine);
    const bytes = await readRegularFile(from, { what: 'Feature image', maxBytes: LIMITS.imageBytes, code: 'REPORT_INVALID', tooLargeCode: 'REPORT_INVALID', hint: `It is named in ${source}; re-run "vebi interpret".` });
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.writeFile(to, bytes);
  }
  return key;
}

function collectVisuals(interpretation: LoadedInterpretation, report: ExplanationReport): Record<string, FeatureVisual> {
  const keys = [...report.features, ...report.absent].map((f) => f.visual).filter((k): k is string => !!k);
  return Object.fromEntries(keys.map((key) => [key, interpretation.report.visuals[key]]));
}

/** The report's params: a method's own strided-fix default replaces the command's. */
function usedParams(params: ExplainParams, method: ExplanationReport['method']): ExplainParams {
  const used = method?.settings.stridedFix;
  return typeof used === 'boolean' ? { ...params, stridedFix: used } : params;
}

function threadsOf(threads: number | undefined): { backendThreads?: number } {
  return threads === undefined ? {} : { backendThreads: threads };
}
