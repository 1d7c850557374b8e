/**
 * `evaluateLocalization` (method.md section 5, the an8Flower table): every explanation method on
 * every image of DIR/images, its heatmap binarised at 0.05 ... 0.95 and compared with the image's
 * ground-truth mask by IoU; mean over thresholds, then over images, and the best single threshold.
 * Writes localization.json and localization.md into the output folder, all or nothing.
 *
 * The class explained is the image's ground-truth class by default: method.md's section 5 does not
 * say, and the masks mark the evidence for that class; whether the model got the image right is
 * recorded per image, and the IoU is split by it. `target: 'predicted'` explains the predicted class.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VebiError, cancelledError, isVebiError } from '../../shared/errors';
import type { EvaluationTarget, LocalizationImage, LocalizationReport } from '../../shared/evaluation';
import type { BackendChoice } from '../../shared/params';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { checkClassCount, isImageFileError, preprocess } from '../data';
import { explanationMethod, explanationMethods } from '../explain/methods';
import type { ExplanationMethod, MethodContext } from '../explain/methods';
import { argMax } from '../explain/target-class';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { loadModel } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import type { VebiModel } from '../model/types';
import { RateMeter } from '../progress/rate-meter';
import { readInterpretation } from '../report/read-report';
import { TOOL } from '../tool';
import type { RunHooks } from '../interpret/interpret';
import { reportWeights } from '../explain/report-weights';
import { limitPerClass, loadMaskedImage, scanMaskedDataset } from './localization-data';
import { checkOutputTarget } from '../fs/output-target';
import { outputOptions } from './output-options';
import { localizationMarkdown } from './localization-markdown';
import { summarizeMethod, type MethodRun } from './localization-summary';
import { IOU_THRESHOLDS, iouOverThresholds } from './metrics';

/** SmoothGrad's noise seed: reproducible runs (tfjs draws an unseeded stream for the default seed 0). */
export const SMOOTHGRAD_SEED = 1;

export interface LocalizationOptions {
  modelPath: string;
  /** DIR with images/<class>/<id>.png and masks/<class>/<id>.png. */
  dataDir: string;
  /** Interpretation report folder (vebi interpret) of the same model: VEBI's and upsampled activations' weights. */
  reportDir: string;
  outDir: string;
  /** Registry names; default every method. */
  methods?: string[];
  /** Default 'ground-truth'. */
  target?: EvaluationTarget;
  /** Use at most this many images per class (the first ones in folder order). */
  maxPerClass?: number;
  /** Relevant features kept by VEBI and upsampled activations; default 3 (the paper's p). */
  topFeatures?: number;
  backend?: BackendChoice;
  onBadFile?: 'skip' | 'fail';
}

export interface LocalizationResult {
  summary: LocalizationReport;
  outDir: string;
}

export async function evaluateLocalization(options: LocalizationOptions, hooks: RunHooks = {}): Promise<LocalizationResult> {
  const started = performance.now();
  const methods = options.methods?.length ? options.methods.map((name) => explanationMethod(name)) : explanationMethods();
  if (new Set(methods.map((m) => m.name)).size !== methods.length) throw new VebiError('BAD_ARGUMENT', `A method is listed twice (${options.methods?.join(',')}).`);
  const target = options.target ?? 'ground-truth';
  if (target !== 'ground-truth' && target !== 'predicted') throw new VebiError('BAD_ARGUMENT', `target must be "ground-truth" or "predicted" (got "${String(target)}").`);
  const topFeatures = options.topFeatures ?? 3;
  if (!Number.isInteger(topFeatures) || topFeatures < 1 || topFeatures > 32) throw new VebiError('BAD_ARGUMENT', `The number of features must be an integer from 1 to 32 (got ${topFeatures}).`);
  if (options.maxPerClass !== undefined && (!Number.isInteger(options.maxPerClass) || options.maxPerClass < 1)) throw new VebiError('BAD_ARGUMENT', `max-per-class must be a positive integer (got ${options.maxPerClass}).`);
  const onBadFile = options.onBadFile ?? 'skip';
  const thresholds = [...IOU_THRESHOLDS];
  const outDir = path.resolve(options.outDir);
  const modelPath = path.resolve(options.modelPath);

  const output = outputOptions('localization', options, hooks.signal);
  await checkOutputTarget(outDir, output);
  hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 0, total: 1, message: 'Reading the report, the images and the model' });
  const interpretation = await readInterpretation(options.reportDir);
  const { report } = interpretation;
  const dataset = await scanMaskedDataset(options.dataDir, report.data.classes);
  const items = limitPerClass(dataset.items, options.maxPerClass);
  const backend = await selectBackend(options.backend ?? 'auto');
  const loaded = await loadModel(modelPath);
  const model = restrictFeatureLayers(loaded, report.params.layers);
  try {
    checkClassCount(dataset.classes, model.numClasses, dataset.imagesDir);
    const weights = reportWeights(interpretation, model);
    const [height, width, channels] = model.inputShape;
    if (channels !== 1 && channels !== 3) throw new VebiError('MODEL_UNSUPPORTED', `The model takes ${channels}-channel input; only grey (1) and RGB (3) images are supported.`, model.path);
    const preprocessing = report.params.preprocessing;
    const context: MethodContext = {
      weights,
      topFeatures,
      baseline: preprocess(new Uint8Array(height * width * channels), channels, preprocessing), // integrated gradients: a black image
      seed: SMOOTHGRAD_SEED,
    };
    // As `explain`: methods that read the interpretation see its feature layers, the others every layer.
    const modelFor = (method: ExplanationMethod): VebiModel => (method.needsWeights ? model : loaded);
    const timings: Record<string, number> = { loadMs: performance.now() - started };
    hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 1, total: 1 });

    const runs: MethodRun[] = methods.map((m) => ({ name: m.name, displayName: m.displayName, perImage: [], ms: 0, settings: {} }));
    const images: LocalizationImage[] = [];
    const correct: boolean[] = [];
    const skipped: { path: string; reason: string }[] = [];
    const meter = new RateMeter(items.length);
    const t0 = performance.now();
    for (let n = 0; n < items.length; n++) {
      if (hooks.signal?.aborted) throw cancelledError();
      const item = items[n];
      let loadedImage: Awaited<ReturnType<typeof loadMaskedImage>>;
      try {
        loadedImage = await loadMaskedImage(item, { height, width, channels }, preprocessing);
      } catch (error) {
        if (onBadFile === 'fail' || !isImageFileError(error)) throw error;
        skipped.push({ path: error.path ?? item.path, reason: error.message });
        continue;
      }
      const { input, mask, maskArea } = loadedImage;
      if (maskArea === 0) {
        skipped.push({ path: item.maskPath, reason: 'The mask is empty at the model input size: there is nothing to localise.' });
        continue;
      }
      const predicted = predict(model, input);
      const explained = target === 'ground-truth' ? { classIndex: item.label } : {};
      const meanIoU = runs.map((run, k) => {
        if (run.error !== undefined) {
          run.perImage.push(null);
          return null;
        }
        const start = performance.now();
        try {
          const result = methods[k].explain(modelFor(methods[k]), input, explained, context);
          run.ms += performance.now() - start;
          if (Object.keys(run.settings).length === 0) run.settings = result.settings;
          const iou = iouOverThresholds(result.heatmap, mask, thresholds);
          run.perImage.push(iou.perThreshold);
          return iou.mean;
        } catch (error) {
          // A method this model cannot run (no spatial layer for Grad-CAM...): reported, not fatal.
          if (!isVebiError(error)) throw error;
          run.error = error.message;
          run.perImage.push(null);
          return null;
        }
      });
      images.push({ image: item.relPath, label: item.label, predicted, maskFraction: maskArea / (height * width), meanIoU });
      correct.push(predicted === item.label);
      hooks.onProgress?.({ stage: 'evaluate', unit: 'images', ...meter.update(n + 1), message: `${methods.length} methods per image` });
      // Yield so that an abort (Ctrl-C, a worker message) is seen between images.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (images.length === 0) throw new VebiError('DATA_NOT_FOUND', `No image of ${dataset.imagesDir} could be evaluated; check the files listed as skipped.`, dataset.imagesDir);
    timings.explainMs = performance.now() - t0;

    const results = runs.map((run) => summarizeMethod(run, thresholds, correct));
    const warnings = [
      ...results.filter((r) => r.error).map((r) => `${r.displayName} could not run on this model: ${r.error}`),
      ...(skipped.length ? [`${skipped.length} image(s) skipped (listed in localization.json, data.skipped).`] : []),
    ];
    const threads = describeBackend().threads;
    const summary = await writeFolderAtomically(outDir, async (temp) => {
      timings.totalMs = performance.now() - started;
      const built: LocalizationReport = {
        kind: 'localization',
        tool: TOOL,
        createdAt: new Date().toISOString(),
        backend,
        ...(threads === undefined ? {} : { backendThreads: threads }),
        model: { path: model.path, inputShape: model.inputShape, numClasses: model.numClasses },
        report: interpretation.dir,
        data: { path: dataset.root, classes: dataset.classes, numImages: images.length, skipped, ...(dataset.variant ? { variant: dataset.variant } : {}) },
        params: { thresholds, target, maskResize: 'nearest', topFeatures, ...(options.maxPerClass !== undefined ? { maxPerClass: options.maxPerClass } : {}) },
        accuracy: correct.filter(Boolean).length / correct.length,
        methods: results,
        images,
        warnings,
        timings,
      };
      await fs.writeFile(path.join(temp, 'localization.json'), JSON.stringify(built, null, 1));
      await fs.writeFile(path.join(temp, 'localization.md'), localizationMarkdown(built));
      if (hooks.signal?.aborted) throw cancelledError();
      return built;
    }, output);
    hooks.onProgress?.({ stage: 'write', unit: 'files', done: 2, total: 2 });
    return { summary, outDir };
  } finally {
    model.dispose();
  }
}

/** The model's top-1 class for one preprocessed image. */
function predict(model: VebiModel, input: Float32Array): number {
  const [h, w, c] = model.inputShape;
  const probabilities = tf.tidy(() => {
    const { outputs, logits, probs } = model.forward(tf.tensor4d(input, [1, h, w, c]), []);
    tf.dispose([...outputs, logits]);
    return probs.dataSync();
  });
  return argMax(probabilities);
}
