/**
 * Trains a small CNN on a flowers dataset (vebi dataset flowers: DIR/images/<class>/<id>.png) with
 * this project's engine on the wasm backend, and saves it as a TF.js Layers model with its vebi.json
 * sidecar (class names, preprocessing, training figures).
 *
 *   node --import tsx scripts/train-flowers.ts --data DIR --out MODEL_DIR
 *       [--test DIR | --val-split 0.2] [--epochs 10] [--seed 1] [--batch-size 64] [--lr 0.003] [--no-flip]
 *
 * Deterministic for a seed: seeded initialisers, a seeded shuffle per epoch, a seeded split. The
 * network has a stride-2 convolution on purpose, so the paper's strided-convolution fix matters for
 * its explanations; global average pooling keeps it small at any image size.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend';
import { decodeImageOriginal, imageBatches, scanDataset } from '../src/engine/data';
import type { DatasetItem } from '../src/engine/data';
import { saveLayersModel } from '../src/engine/model/save-layers-model';
import type { BackendChoice } from '../src/shared/params';
import { mulberry32 } from '../src/engine/seeded-random';

export interface LabelledImages {
  /** N x size x size x 3, preprocessed ('unit': x / 255). */
  x: Float32Array;
  labels: Int32Array;
  count: number;
  size: number;
  classes: string[];
}

export interface TrainFlowersOptions {
  /** A flowers dataset folder (its images/ sub-folder is read) or a class-per-folder image folder. */
  data: string;
  out: string;
  /** Held-out folder (same layout); otherwise `valSplit` of each class is held out. */
  test?: string;
  valSplit?: number;
  epochs?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /** Mirror a random half of each batch left-right (default true): flowers have no handedness. */
  flip?: boolean;
  backend?: BackendChoice;
  /** Per-epoch lines; silent when absent. */
  log?: (line: string) => void;
}

export interface TrainFlowersResult {
  modelPath: string;
  classes: string[];
  size: number;
  trainImages: number;
  testImages: number;
  testAccuracy: number;
  trainAccuracy: number;
  trainSeconds: number;
  epochs: number;
  backend: string;
}

function shuffled<T>(list: readonly T[], rand: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The images folder of a flowers dataset, or the folder itself when it has no images/ child. */
export async function imagesFolder(dir: string): Promise<string> {
  const images = path.join(path.resolve(dir), 'images');
  return (await fs.stat(images).then((s) => s.isDirectory(), () => false)) ? images : path.resolve(dir);
}

export function buildFlowersCnn(size: number, numClasses: number, seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.heNormal({ seed: seed * 101 + k });
  const model = tf.sequential({ name: 'flowers_cnn' });
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [size, size, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv3_stride2', filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.conv2d({ name: 'conv4', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(4) }));
  model.add(tf.layers.globalMaxPooling2d({ name: 'gmp' }));
  model.add(tf.layers.dense({ name: 'predictions', units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 5 }) }));
  return model;
}

/** Decodes `items` into one preprocessed array (square RGB images of side `size`). */
export async function loadImages(items: readonly DatasetItem[], size: number, classes: string[]): Promise<LabelledImages> {
  const hwc = size * size * 3;
  const x = new Float32Array(items.length * hwc);
  const labels = new Int32Array(items.length);
  let count = 0;
  for await (const batch of imageBatches(items, { height: size, width: size, channels: 3 }, { kind: 'unit' }, { batchSize: 256, onBadFile: 'fail' })) {
    x.set(batch.data, count * hwc);
    batch.items.forEach((item, i) => (labels[count + i] = item.label));
    count += batch.items.length;
  }
  return { x, labels, count, size, classes };
}

/** Writes `image` (size x size x 3) mirrored left-right into out[offset..]. */
function mirrorInto(image: Float32Array, out: Float32Array, offset: number, size: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 3;
      const to = offset + (y * size + (size - 1 - x)) * 3;
      out[to] = image[from];
      out[to + 1] = image[from + 1];
      out[to + 2] = image[from + 2];
    }
  }
}

async function accuracy(model: tf.LayersModel, data: LabelledImages, batchSize = 128): Promise<number> {
  let correct = 0;
  const hwc = data.size * data.size * 3;
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(data.x.subarray(start * hwc, (start + n) * hwc), [n, data.size, data.size, 3])) as tf.Tensor).argMax(1));
    const values = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < n; i++) if (values[i] === data.labels[start + i]) correct++;
  }
  return data.count ? correct / data.count : 0;
}

/** Items of each class split by a seeded shuffle: the last `fraction` of each class is held out. */
function splitItems(items: readonly DatasetItem[], classes: number, fraction: number, seed: number): { train: DatasetItem[]; test: DatasetItem[] } {
  const rand = mulberry32(seed ^ 0x5eed);
  const train: DatasetItem[] = [];
  const test: DatasetItem[] = [];
  for (let c = 0; c < classes; c++) {
    const own = shuffled(items.filter((item) => item.label === c), rand);
    const held = Math.round(own.length * fraction);
    test.push(...own.slice(own.length - held));
    train.push(...own.slice(0, own.length - held));
  }
  return { train, test };
}

export async function trainFlowers(options: TrainFlowersOptions): Promise<TrainFlowersResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 64;
  const backend = await selectBackend(options.backend ?? 'wasm');
  const started = performance.now();

  const dataset = await scanDataset(await imagesFolder(options.data), { order: 'lexicographic' });
  const probe = await decodeImageOriginal(dataset.items[0].path);
  if (probe.width !== probe.height) throw new Error(`${dataset.items[0].path} is ${probe.width}x${probe.height}; the flowers CNN takes square images.`);
  const size = probe.width;
  let trainItems: DatasetItem[] = dataset.items;
  let testItems: DatasetItem[];
  if (options.test) {
    const test = await scanDataset(await imagesFolder(options.test), { classNames: dataset.classes });
    testItems = test.items;
  } else {
    ({ train: trainItems, test: testItems } = splitItems(dataset.items, dataset.classes.length, options.valSplit ?? 0.2, seed));
  }
  const train = await loadImages(trainItems, size, dataset.classes);
  const test = await loadImages(testItems, size, dataset.classes);
  const loadSeconds = (performance.now() - started) / 1000;
  log(`${train.count} training and ${test.count} held-out images of ${size}x${size}, ${dataset.classes.length} classes (read in ${loadSeconds.toFixed(1)} s, ${backend})`);

  const model = buildFlowersCnn(size, dataset.classes.length, seed);
  const baseRate = options.learningRate ?? 3e-3;
  const optimizer = tf.train.adam(baseRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const flip = options.flip ?? true;
  const rand = mulberry32(seed);
  const hwc = size * size * 3;
  const trainStart = performance.now();
  let trainAccuracy = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      // Cosine decay to 5% of the base rate: the last epochs settle instead of bouncing around.
      // Adam reads its public-at-runtime learningRate field at every step.
      (optimizer as unknown as { learningRate: number }).learningRate = baseRate * (0.05 + 0.475 * (1 + Math.cos((Math.PI * epoch) / epochs)));
      const order = shuffled(Array.from({ length: train.count }, (_, i) => i), rand);
      let lossSum = 0;
      let accSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const idx = order.slice(start, start + batchSize);
        const xb = new Float32Array(idx.length * hwc);
        idx.forEach((i, k) => {
          const image = train.x.subarray(i * hwc, (i + 1) * hwc);
          if (flip && rand() < 0.5) mirrorInto(image, xb, k * hwc, size);
          else xb.set(image, k * hwc);
        });
        const xs = tf.tensor4d(xb, [idx.length, size, size, 3]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(idx.map((i) => train.labels[i]), 'int32'), train.classes.length).toFloat());
        const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
        tf.dispose([xs, ys]);
        lossSum += loss;
        accSum += acc;
        batches++;
      }
      trainAccuracy = accSum / batches;
      const seconds = (performance.now() - trainStart) / 1000;
      log(`epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, train accuracy ${(100 * trainAccuracy).toFixed(1)}% (${seconds.toFixed(0)} s)`);
    }
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const testAccuracy = await accuracy(model, test);
    const summary = { backend, seed, epochs, batchSize, learningRate: baseRate, schedule: 'cosine to 5%', flip, size, trainImages: train.count, testImages: test.count, trainAccuracy, testAccuracy, trainSeconds };
    const sidecar = { preprocessing: 'unit', classNames: dataset.classes, _training: summary };
    const modelPath = await saveLayersModel(model, path.resolve(options.out), [{ name: 'vebi.json', data: `${JSON.stringify(sidecar, null, 2)}\n` }]);
    return { modelPath, classes: dataset.classes, size, trainImages: train.count, testImages: test.count, testAccuracy, trainAccuracy, trainSeconds, epochs, backend };
  } finally {
    model.dispose();
  }
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got '${value}'.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      test: { type: 'string' },
      'val-split': { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'no-flip': { type: 'boolean' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  if (!values.data || !values.out) throw new Error('--data DIR (a flowers dataset) and --out DIR (the model folder) are required.');
  const split = positiveNumber(values['val-split'], 'val-split');
  if (split !== undefined && split >= 1) throw new Error('--val-split must be below 1.');
  const result = await trainFlowers({
    data: values.data,
    out: values.out,
    test: values.test,
    valSplit: split,
    epochs: positiveNumber(values.epochs, 'epochs'),
    seed: values.seed === undefined ? undefined : Number(values.seed),
    batchSize: positiveNumber(values['batch-size'], 'batch-size'),
    learningRate: positiveNumber(values.lr, 'lr'),
    flip: !values['no-flip'],
    backend: values.backend as BackendChoice,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `Saved ${result.modelPath}: held-out accuracy ${(100 * result.testAccuracy).toFixed(2)}% on ${result.testImages} images, ` +
      `trained on ${result.trainImages} in ${result.trainSeconds.toFixed(0)} s (${result.epochs} epochs, ${result.backend})\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`train-flowers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
