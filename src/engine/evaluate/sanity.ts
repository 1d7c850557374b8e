/**
 * `evaluateSanity` (method.md section 5; Adebayo et al. 2018, "Sanity checks for saliency maps"):
 * cascading randomisation of the model's weights from the top layer down. Step 0 is the original
 * model; step k re-initialises the top k layers with weights (kernels Glorot normal from the seed,
 * biases zero). At every step each method explains the same images again, for the class the
 * original model predicts, and its maps are compared with the step-0 ones (Spearman rank
 * correlation, SSIM). VEBI is re-fitted on every randomised model (features of the training
 * folder, then the per-class solver), as the whole method would be. A second check compares, on
 * the original model, the explanations of the top class and of the second-ranked class.
 * Writes sanity.json, sanity.md and sanity.png into the output folder, all or nothing.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VebiError, cancelledError, isVebiError } from '../../shared/errors';
import type { ClassSensitivity, MeanStd, SanityMethodResult, SanityReport, SanityStep } from '../../shared/evaluation';
import { DEFAULT_INTERPRET_PARAMS } from '../../shared/params';
import type { BackendChoice, InterpretParams } from '../../shared/params';
import { describeBackend, selectBackend } from '../backend/select-backend';
import { checkClassCount, decodeImage, preprocess, readPreprocessingSidecar, scanDataset } from '../data';
import { explanationMethod, explanationMethods } from '../explain/methods';
import type { ExplanationMethod, MethodContext } from '../explain/methods';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { fitInterpretation, type FittedInterpretation } from '../interpret/fit-interpretation';
import type { RunHooks } from '../interpret/interpret';
import { loadModel } from '../model/load-model';
import { restrictFeatureLayers } from '../model/restrict-feature-layers';
import type { VebiModel } from '../model/types';
import { stripUndefined } from '../strip-undefined';
import { TOOL } from '../tool';
import { SMOOTHGRAD_SEED } from './localization';
import { limitPerClass } from './localization-data';
import { checkOutputTarget } from '../fs/output-target';
import { outputOptions } from './output-options';
import { sampleStd } from './localization-summary';
import { SSIM_DEFAULTS, spearman, ssim } from './metrics';
import { sanityMarkdown } from './sanity-markdown';
import { renderSanityPlot } from './sanity-plot';
import { pickImages } from './sanity-images';

export interface SanityOptions {
  modelPath: string;
  /** Labelled training folder (one sub-folder per class): VEBI is fitted on it at every step. */
  dataDir: string;
  /** Folder of the images to explain (class sub-folders or loose images). */
  imagesDir: string;
  outDir: string;
  /** Registry names; default every method. */
  methods?: string[];
  /** Images explained at every step, spread over the folder; default 8. */
  numImages?: number;
  /** Seed of the re-initialised weights; default 1. */
  seed?: number;
  /** VEBI's fit: defaults as `interpret` (and the model's vebi.json preprocessing). */
  params?: Partial<Pick<InterpretParams, 'mu' | 'labels' | 'batchSize' | 'preprocessing' | 'l2Normalize' | 'layers'>>;
  /** Fit VEBI on at most this many training images per class (the first ones in folder order). */
  maxPerClass?: number;
  /** Relevant features per explanation (VEBI, upsampled activations); default 3. */
  topFeatures?: number;
  backend?: BackendChoice;
  onBadFile?: 'skip' | 'fail';
}

export interface SanityResult {
  summary: SanityReport;
  outDir: string;
}

interface MethodState {
  method: ExplanationMethod;
  error?: string;
  /** Step-0 maps, one per image. */
  reference?: Float32Array[];
  /** [step][image] */
  spearman: number[][];
  ssim: number[][];
  ms: number;
  runs: number;
  sensitivity?: { spearman: number[]; ssim: number[] };
}

function meanStd(values: readonly number[]): MeanStd {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, std: sampleStd(values) };
}

/** The two highest-scoring classes of each image on `model`. */
function topTwo(model: VebiModel, inputs: Float32Array[]): { first: number[]; second: number[] } {
  const [h, w, c] = model.inputShape;
  const data = new Float32Array(inputs.length * h * w * c);
  inputs.forEach((input, i) => data.set(input, i * h * w * c));
  const probabilities = tf.tidy(() => {
    const batch = tf.tensor4d(data, [inputs.length, h, w, c]);
    const { outputs, logits, probs } = model.forward(batch, []);
    tf.dispose([...outputs, logits]);
    return probs.arraySync();
  });
  const order = probabilities.map((p) => p.map((v, j) => ({ v, j })).sort((a, b) => b.v - a.v || a.j - b.j));
  return { first: order.map((o) => o[0].j), second: order.map((o) => o[1]?.j ?? o[0].j) };
}

export async function evaluateSanity(options: SanityOptions, hooks: RunHooks = {}): Promise<SanityResult> {
  const started = performance.now();
  const methods = options.methods?.length ? options.methods.map((name) => explanationMethod(name)) : explanationMethods();
  if (new Set(methods.map((m) => m.name)).size !== methods.length) throw new VebiError('BAD_ARGUMENT', `A method is listed twice (${options.methods?.join(',')}).`);
  const numImages = options.numImages ?? 8;
  const seed = options.seed ?? 1;
  const topFeatures = options.topFeatures ?? 3;
  const bad = (what: string) => new VebiError('BAD_ARGUMENT', what);
  if (!Number.isInteger(numImages) || numImages < 1 || numImages > 256) throw bad(`The number of images must be an integer from 1 to 256 (got ${numImages}).`);
  if (!Number.isInteger(seed) || seed < 0) throw bad(`seed must be an integer >= 0 (got ${seed}).`);
  if (!Number.isInteger(topFeatures) || topFeatures < 1 || topFeatures > 32) throw bad(`The number of features must be an integer from 1 to 32 (got ${topFeatures}).`);
  if (options.maxPerClass !== undefined && (!Number.isInteger(options.maxPerClass) || options.maxPerClass < 1)) throw bad(`max-per-class must be a positive integer (got ${options.maxPerClass}).`);
  const throwIfCancelled = () => {
    if (hooks.signal?.aborted) throw cancelledError();
  };
  const outDir = path.resolve(options.outDir);
  const modelPath = path.resolve(options.modelPath);

  const output = outputOptions('sanity', options, hooks.signal);
  await checkOutputTarget(outDir, output);
  hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 0, total: 1, message: 'Reading the model and the images' });
  const sidecar = await readPreprocessingSidecar(modelPath);
  // The training folder is read as `interpret` reads it (class i = i-th folder, Python's sort order).
  const train = await scanDataset(path.resolve(options.dataDir), { order: 'lexicographic', classNames: sidecar?.classNames });
  const trainItems = limitPerClass(train.items, options.maxPerClass);
  const params = { ...DEFAULT_INTERPRET_PARAMS, ...(sidecar?.preprocessing ? { preprocessing: sidecar.preprocessing } : {}), ...stripUndefined(options.params ?? {}) };
  if (!(params.mu >= 0) || !Number.isFinite(params.mu)) throw bad(`mu must be a number >= 0 (got ${params.mu}).`);
  const picked = await pickImages(options.imagesDir, numImages);
  const backend = await selectBackend(options.backend ?? 'auto');
  const original = await loadModel(modelPath);
  try {
    checkClassCount(train.classes, original.numClasses, train.root);
    const cascade = original.randomizableLayers().reverse(); // top layer first
    if (cascade.length === 0) {
      throw new VebiError(
        'MODEL_UNSUPPORTED',
        original.format === 'tfjs-graph'
          ? `${original.path} is a TF.js graph model: its weights cannot be re-initialised layer by layer. Run the sanity checks on the Keras or TF.js layers model it was converted from.`
          : `${original.path} has no layer with weights to re-initialise.`,
        original.path,
      );
    }
    const [height, width, channels] = original.inputShape;
    if (channels !== 1 && channels !== 3) throw new VebiError('MODEL_UNSUPPORTED', `The model takes ${channels}-channel input; only grey (1) and RGB (3) images are supported.`, original.path);
    const shape = { height, width, channels: channels as 1 | 3 };
    const inputs = await Promise.all(picked.map(async (image) => preprocess(await decodeImage(image.path, shape), channels, params.preprocessing)));
    const { first, second } = topTwo(original, inputs);
    const baseline = preprocess(new Uint8Array(height * width * channels), channels, params.preprocessing); // IG baseline: a black image
    const needsFit = methods.some((m) => m.needsWeights);
    const timings: Record<string, number> = { loadMs: performance.now() - started, fitMs: 0, explainMs: 0 };
    hooks.onProgress?.({ stage: 'load', unit: 'steps', done: 1, total: 1 });

    const states: MethodState[] = methods.map((method) => ({ method, spearman: [], ssim: [], ms: 0, runs: 0 }));
    const steps: SanityStep[] = [];
    let skipped: { path: string; reason: string }[] = [];
    const total = cascade.length + 1;
    for (let s = 0; s < total; s++) {
      throwIfCancelled();
      const layer = s === 0 ? null : cascade[s - 1];
      hooks.onProgress?.({ stage: 'evaluate', unit: 'steps', done: s, total, message: layer ? `re-initialised down to ${layer}` : 'original model' });
      const stepModel = s === 0 ? original : await original.withRandomizedLayers(cascade.slice(0, s), seed);
      try {
        // As `explain`: methods that read the interpretation see its feature layers, the others every layer.
        const view = restrictFeatureLayers(stepModel, params.layers);
        let fit: FittedInterpretation | undefined;
        if (needsFit) {
          const t0 = performance.now();
          fit = await fitInterpretation(view, trainItems, params, { signal: hooks.signal, onBadFile: options.onBadFile });
          timings.fitMs += performance.now() - t0;
          if (s === 0) skipped = fit.skipped;
        }
        throwIfCancelled();
        const context: MethodContext = { weights: fit?.weights, topFeatures, baseline, seed: SMOOTHGRAD_SEED };
        const t0 = performance.now();
        for (const state of states) {
          if (state.error !== undefined) continue;
          const model = state.method.needsWeights ? view : stepModel;
          const explainAll = (classes: number[]) => inputs.map((input, i) => state.method.explain(model, input, { classIndex: classes[i] }, context).heatmap);
          try {
            const start = performance.now();
            const maps = explainAll(first);
            state.ms += performance.now() - start;
            state.runs += inputs.length;
            state.reference ??= maps;
            const reference = state.reference;
            state.spearman.push(maps.map((map, i) => spearman(reference[i], map)));
            state.ssim.push(maps.map((map, i) => ssim(reference[i], map, height, width)));
            if (s === 0) {
              const other = explainAll(second);
              state.sensitivity = { spearman: maps.map((map, i) => spearman(map, other[i])), ssim: maps.map((map, i) => ssim(map, other[i], height, width)) };
            }
          } catch (error) {
            // A method this model cannot run (no spatial layer for Grad-CAM...): reported, not fatal.
            if (!isVebiError(error)) throw error;
            state.error = error.message;
          }
          throwIfCancelled();
          await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort arrive
        }
        timings.explainMs += performance.now() - t0;
        steps.push({ index: s, layer, randomized: cascade.slice(0, s), accuracy: fit?.accuracy ?? null, relevantFeatures: fit?.relevantFeatures ?? null });
      } finally {
        if (stepModel !== original) stepModel.dispose();
      }
    }

    const methodResults: SanityMethodResult[] = states.map((st) => ({
      name: st.method.name,
      displayName: st.method.displayName,
      ...(st.error !== undefined ? { error: st.error } : {}),
      spearman: st.spearman.map(meanStd),
      ssim: st.ssim.map(meanStd),
      msPerImage: st.runs ? st.ms / st.runs : null,
    }));
    const classSensitivity: ClassSensitivity[] = states.map((st) => ({
      name: st.method.name,
      displayName: st.method.displayName,
      ...(st.error !== undefined && !st.sensitivity ? { error: st.error } : {}),
      spearman: st.sensitivity ? meanStd(st.sensitivity.spearman) : null,
      ssim: st.sensitivity ? meanStd(st.sensitivity.ssim) : null,
    }));
    const warnings = [
      ...methodResults.filter((r) => r.error).map((r) => `${r.displayName} stopped at step ${r.spearman.length}: ${r.error}`),
      ...(first.every((c, i) => c === second[i]) ? ['The model has one class: there is no second class to compare with.'] : []),
    ];
    const threads = describeBackend().threads;
    const summary = await writeFolderAtomically(outDir, async (temp) => {
      timings.totalMs = performance.now() - started;
      const built: SanityReport = {
        kind: 'sanity',
        tool: TOOL,
        createdAt: new Date().toISOString(),
        backend,
        ...(threads === undefined ? {} : { backendThreads: threads }),
        model: { path: original.path, inputShape: original.inputShape, numClasses: original.numClasses },
        data: { path: train.root, classes: train.classes, numImages: needsFit ? trainItems.length - skipped.length : 0, skipped },
        images: picked.map((image, i) => ({ image: image.relPath, predicted: first[i], second: second[i] })),
        params: {
          seed,
          initializer: 'glorot-normal',
          target: 'original-prediction',
          topFeatures,
          mu: params.mu,
          labels: params.labels,
          ...(options.maxPerClass !== undefined ? { maxPerClass: options.maxPerClass } : {}),
          ssim: { window: 'gaussian', size: SSIM_DEFAULTS.size, sigma: SSIM_DEFAULTS.sigma },
        },
        steps,
        methods: methodResults,
        classSensitivity,
        warnings,
        timings,
      };
      await fs.writeFile(path.join(temp, 'sanity.json'), JSON.stringify(built, null, 1));
      await fs.writeFile(path.join(temp, 'sanity.md'), sanityMarkdown(built));
      await fs.writeFile(path.join(temp, 'sanity.png'), await renderSanityPlot(built));
      throwIfCancelled();
      return built;
    }, output);
    hooks.onProgress?.({ stage: 'write', unit: 'files', done: 3, total: 3 });
    return { summary, outDir };
  } finally {
    original.dispose();
  }
}
