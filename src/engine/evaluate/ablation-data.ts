/**
 * The held-out images of an ablation run, decoded once and kept as preprocessed batches: every
 * ablation re-runs the model on the same pixels, so decoding them again would dominate the time.
 */
import * as tf from '@tensorflow/tfjs';
import { cancelledError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';
import type { ProgressListener } from '../../shared/progress';
import type { DatasetItem, ImageShape, SkippedFile } from '../data';
import { imageBatches } from '../data';
import type { ChannelAblation, VebiModel } from '../model/types';

export interface HeldOutImages {
  batches: { data: Float32Array; count: number }[];
  /** Label of every kept image, in batch order. */
  labels: Int32Array;
  skipped: SkippedFile[];
}

export async function loadHeldOut(
  items: readonly DatasetItem[],
  shape: ImageShape,
  preprocessing: Preprocessing,
  options: { batchSize: number; onBadFile: 'skip' | 'fail'; signal?: AbortSignal; onProgress?: ProgressListener },
): Promise<HeldOutImages> {
  const batches: HeldOutImages['batches'] = [];
  const labels: number[] = [];
  const skipped: SkippedFile[] = [];
  for await (const batch of imageBatches(items, shape, preprocessing, { batchSize: options.batchSize, onBadFile: options.onBadFile, signal: options.signal })) {
    batches.push({ data: batch.data, count: batch.items.length });
    for (const item of batch.items) labels.push(item.label);
    skipped.push(...batch.skipped);
    options.onProgress?.({ stage: 'load', unit: 'images', done: labels.length + skipped.length, total: items.length, message: 'Reading the held-out images' });
  }
  return { batches, labels: Int32Array.from(labels), skipped };
}

/** The model's top-1 class for every held-out image, with `ablate` applied. */
export async function predictAll(model: VebiModel, images: HeldOutImages, ablate: ChannelAblation, signal?: AbortSignal): Promise<Int32Array> {
  const [h, w, c] = model.inputShape;
  const out = new Int32Array(images.labels.length);
  let offset = 0;
  for (const batch of images.batches) {
    if (signal?.aborted) throw cancelledError();
    const classes = tf.tidy(() => {
      const { outputs, logits, probs } = model.forward(tf.tensor4d(batch.data, [batch.count, h, w, c]), [], ablate);
      tf.dispose([...outputs, probs]);
      return tf.argMax(logits, 1);
    });
    out.set(await classes.data(), offset);
    classes.dispose();
    offset += batch.count;
    // Yield to the event loop so that an abort (Ctrl-C, a worker message) is seen between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Correct predictions / images, per class. */
export function perClassAccuracy(predictions: Int32Array, labels: Int32Array, numClasses: number): { correct: number[]; total: number[] } {
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  labels.forEach((label, i) => {
    total[label]++;
    if (predictions[i] === label) correct[label]++;
  });
  return { correct, total };
}

/** Accuracy on class c's images and on every other image, from per-class counts. */
export function classVsOthers(counts: { correct: number[]; total: number[] }, c: number): { class: number; others: number } {
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  const otherCorrect = sum(counts.correct) - counts.correct[c];
  const otherTotal = sum(counts.total) - counts.total[c];
  return { class: counts.total[c] ? counts.correct[c] / counts.total[c] : 0, others: otherTotal ? otherCorrect / otherTotal : 0 };
}
