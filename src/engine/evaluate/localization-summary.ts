/** Per-image IoUs of one method -> its figures in localization.json. */
import type { LocalizationMethodResult } from '../../shared/evaluation';

export interface MethodRun {
  name: string;
  displayName: string;
  error?: string;
  /** Per image, in image order: IoU at each threshold (null where the method did not run). */
  perImage: (number[] | null)[];
  ms: number;
  settings: Record<string, string | number | boolean>;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Sample standard deviation (0 for one value). */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Mean IoU = mean over images of each image's mean over thresholds. The best threshold is the
 * one whose IoU, averaged over images, is highest (one threshold for the whole dataset, not one
 * per image, which would flatter every method).
 */
export function summarizeMethod(run: MethodRun, thresholds: readonly number[], correct: readonly boolean[]): LocalizationMethodResult {
  const ran = run.perImage.map((r, i) => ({ r, i })).filter((e): e is { r: number[]; i: number } => e.r !== null);
  const empty = { name: run.name, displayName: run.displayName, meanIoU: null, stdIoU: null, perThreshold: thresholds.map(() => null), best: null, byPrediction: { correct: null, wrong: null }, msPerImage: null, settings: run.settings };
  if (run.error !== undefined || ran.length === 0) return { ...empty, ...(run.error !== undefined ? { error: run.error } : {}) };
  const imageMeans = ran.map((e) => mean(e.r));
  const perThreshold = thresholds.map((_, k) => mean(ran.map((e) => e.r[k])));
  let best = 0;
  for (let k = 1; k < perThreshold.length; k++) if (perThreshold[k] > perThreshold[best]) best = k;
  const split = (wanted: boolean) => {
    const list = ran.filter((e) => correct[e.i] === wanted).map((e) => mean(e.r));
    return list.length ? mean(list) : null;
  };
  return {
    name: run.name,
    displayName: run.displayName,
    meanIoU: mean(imageMeans),
    stdIoU: sampleStd(imageMeans),
    perThreshold,
    best: { threshold: thresholds[best], iou: perThreshold[best] },
    byPrediction: { correct: split(true), wrong: split(false) },
    msPerImage: run.ms / ran.length,
    settings: run.settings,
  };
}
