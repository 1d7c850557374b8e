/**
 * Every explanation method on one image, for the same class: one heatmap and overlay each, side by
 * side (compare.json, index.html, PNGs), written all or nothing. What the panel's Evaluation view
 * shows next to the tables; a method that cannot run on the model is listed with its reason.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError, cancelledError, isVebiError } from '../../shared/errors';
import type { ComparedMethod, ComparisonReport } from '../../shared/evaluation';
import type { BackendChoice } from '../../shared/params';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { decodeImage, decodeImageOriginal, preprocess } from '../data';
import { explanationMethod, explanationMethods } from '../explain/methods';
import type { MethodContext } from '../explain/methods';
import { OVERLAY_MAX_SIDE, heatmapFileWriter } from '../explain/render-heatmaps';
import { reportWeights } from '../explain/report-weights';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { checkOutputTarget } from '../fs/output-target';
import { outputOptions } from './output-options';
import type { RunHooks } from '../interpret/interpret';
import { loadModel } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import { readInterpretation } from '../report/read-report';
import { TOOL } from '../tool';
import { writeComparisonHtml } from './compare-html';

export interface CompareOptions {
  modelPath: string;
  imagePath: string;
  /** Interpretation report folder of the same model. */
  reportDir: string;
  outDir: string;
  /** Registry names; default every method. */
  methods?: readonly string[];
  /** The class to explain; default the predicted one. */
  classIndex?: number;
  backend?: BackendChoice;
}

export interface CompareResult {
  summary: ComparisonReport;
  outDir: string;
}

export async function compareMethods(options: CompareOptions, hooks: RunHooks = {}): Promise<CompareResult> {
  const started = performance.now();
  const methods = options.methods?.length ? options.methods.map((name) => explanationMethod(name)) : explanationMethods();
  const imagePath = path.resolve(options.imagePath);
  const outDir = path.resolve(options.outDir);
  const output = outputOptions('comparison', options, hooks.signal);
  await checkOutputTarget(outDir, output);
  const original = await decodeImageOriginal(imagePath, OVERLAY_MAX_SIDE);
  const interpretation = await readInterpretation(options.reportDir);
  const { report } = interpretation;
  const backend = await selectBackend(options.backend ?? 'auto');
  const loaded = await loadModel(path.resolve(options.modelPath));
  const model = restrictFeatureLayers(loaded, report.params.layers);
  try {
    const weights = reportWeights(interpretation, model);
    const [height, width, channels] = model.inputShape;
    if (options.classIndex !== undefined && !(Number.isInteger(options.classIndex) && options.classIndex >= 0 && options.classIndex < model.numClasses)) {
      throw new VebiError('BAD_ARGUMENT', `Class ${options.classIndex} is outside 0..${model.numClasses - 1}.`);
    }
    const preprocessing = report.params.preprocessing;
    const input = preprocess(await decodeImage(imagePath, { height, width, channels: channels as 1 | 3 }), channels, preprocessing);
    const context: MethodContext = { weights, baseline: preprocess(new Uint8Array(input.length), channels, preprocessing) }; // IG baseline: a black image
    const timings: Record<string, number> = { loadMs: performance.now() - started };
    const results: { method: (typeof methods)[number]; heatmap?: Float32Array; ms: number; settings: ComparedMethod['settings']; error?: string }[] = [];
    let prediction: { classIndex: number; probabilities: Float32Array } | undefined;
    for (const [i, method] of methods.entries()) {
      if (hooks.signal?.aborted) throw cancelledError();
      hooks.onProgress?.({ stage: 'evaluate', unit: 'steps', done: i, total: methods.length, message: method.displayName });
      const t = performance.now();
      try {
        // As `explain`: methods that read the interpretation see its feature layers, the others every layer.
        const result = method.explain(method.needsWeights ? model : loaded, input, { classIndex: options.classIndex }, context);
        prediction ??= { classIndex: argMaxOf(result.probabilities), probabilities: result.probabilities };
        results.push({ method, heatmap: result.heatmap, ms: performance.now() - t, settings: result.settings });
      } catch (error) {
        if (!isVebiError(error)) throw error;
        results.push({ method, ms: performance.now() - t, settings: {}, error: error.message });
      }
    }
    if (!prediction) throw new VebiError('MODEL_UNSUPPORTED', `No explanation method could run on ${model.path}: ${results.map((r) => `${r.method.displayName}: ${r.error}`).join('; ')}`, model.path);
    timings.explainMs = performance.now() - started - timings.loadMs;
    const predicted = prediction.classIndex;
    const explainedIndex = options.classIndex ?? predicted;
    const summary = await writeFolderAtomically(outDir, async (tempDir) => {
      const writer = heatmapFileWriter(tempDir, original, height, width);
      const compared: ComparedMethod[] = [];
      for (const r of results) {
        const files = r.heatmap ? await writer.writeMap(r.method.name, r.heatmap) : {};
        compared.push({ name: r.method.name, displayName: r.method.displayName, ...(r.error ? { error: r.error } : {}), ...files, ms: r.ms, settings: r.settings });
      }
      const threads = describeBackend().threads;
      const built: ComparisonReport = {
        kind: 'comparison',
        tool: TOOL,
        createdAt: new Date().toISOString(),
        backend,
        ...(threads === undefined ? {} : { backendThreads: threads }),
        model: { path: model.path, inputShape: model.inputShape, numClasses: model.numClasses },
        warnings: results.filter((r) => r.error).map((r) => `${r.method.displayName} did not run: ${r.error}`),
        timings: { ...timings, totalMs: performance.now() - started },
        image: imagePath,
        report: interpretation.dir,
        input: await writer.writeInput(),
        prediction: { classIndex: predicted, className: report.data.classes[predicted] ?? String(predicted), probability: prediction?.probabilities[predicted] ?? 0 },
        explained: { classIndex: explainedIndex, className: report.data.classes[explainedIndex] ?? String(explainedIndex) },
        methods: compared,
      };
      await fs.writeFile(path.join(tempDir, 'compare.json'), JSON.stringify(built, null, 1));
      await writeComparisonHtml(tempDir, built);
      if (hooks.signal?.aborted) throw cancelledError();
      return built;
    }, output);
    hooks.onProgress?.({ stage: 'evaluate', unit: 'steps', done: methods.length, total: methods.length });
    return { summary, outDir };
  } finally {
    model.dispose();
  }
}

function argMaxOf(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
