/**
 * The interpretation of an already-loaded model, in memory: features of a labelled image list
 * (method.md section 1) and the per-class L1-constrained fits (section 2), as the weights an
 * explanation reads. No visuals, no files: the sanity checks re-fit VEBI on every randomised model.
 * `interpret` runs the same two steps (extractFeatures, fitClassWeights) and writes a report.
 */
import { VebiError } from '../../shared/errors';
import type { InterpretParams } from '../../shared/params';
import type { ProgressListener } from '../../shared/progress';
import type { DatasetItem } from '../data';
import type { ExplanationWeights } from '../explain/compute-explanation';
import { extractFeatures } from '../features/extract-features';
import type { VebiModel } from '../model/types';
import { FeatureTable } from './feature-table';
import { StreamedGram, fitClassWeights, weightMatrix } from './fit-weights';

export type FitParams = Pick<InterpretParams, 'mu' | 'labels' | 'batchSize' | 'preprocessing' | 'l2Normalize'>;

export interface FittedInterpretation {
  weights: ExplanationWeights;
  /** Images whose features were used (unreadable files skipped). */
  count: number;
  skipped: { path: string; reason: string }[];
  /** Top-1 accuracy of the model on those images. */
  accuracy: number;
  /** Non-zero weights of the non-negative fit, summed over classes. */
  relevantFeatures: number;
}

/** Weights this small are zero (the interpretation's own threshold). */
const ZERO_WEIGHT = 1e-9;

export async function fitInterpretation(
  model: VebiModel,
  items: DatasetItem[],
  params: FitParams,
  hooks: { signal?: AbortSignal; onProgress?: ProgressListener; onBadFile?: 'skip' | 'fail' } = {},
): Promise<FittedInterpretation> {
  const streamedGram = new StreamedGram(model.featureCount, model.numClasses, params.labels);
  const extraction = await extractFeatures(model, items, {
    preprocessing: params.preprocessing,
    batchSize: params.batchSize,
    topK: 1, // only the peak response of each feature is needed (absent-feature checks)
    l2Normalize: params.l2Normalize,
    onBadFile: hooks.onBadFile ?? 'skip',
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    onVectors: streamedGram.add,
  });
  if (extraction.count === 0) throw new VebiError('DATA_NOT_FOUND', 'None of the training images could be read; check the files listed as skipped.');
  const { count, featureCount: m, labels, predictions } = extraction;
  const C = model.numClasses;
  const fits = await fitClassWeights(streamedGram.finish(), params.mu, hooks);
  const nonNegative = weightMatrix(fits.nonNegative, m, C);
  const peakResponses = new Float32Array(m);
  for (let f = 0; f < m; f++) peakResponses[f] = extraction.topK.top(f)[0]?.response ?? 0;
  const table = new FeatureTable(model.layers);
  let correct = 0;
  for (let i = 0; i < count; i++) if (labels[i] === predictions[i]) correct++;
  return {
    weights: { nonNegative, signed: weightMatrix(fits.signed, m, C), peakResponses, numClasses: C, feature: (i) => table.at(i), l2Normalize: params.l2Normalize },
    count,
    skipped: extraction.skipped,
    accuracy: correct / count,
    relevantFeatures: nonNegative.reduce((n, w) => n + (w > ZERO_WEIGHT ? 1 : 0), 0),
  };
}
