/**
 * Generates the workspace the end-to-end tests open in a real VS Code, with the project's own test
 * fixtures (nothing downloaded):  node --import tsx scripts/make-e2e-workspace.ts OUT_DIR [--large N]
 *
 *   model/model.json        a small CNN really trained on data/ (the layers of test/helpers/trained-fixture.ts
 *                           and a dense layer), checked to explain data/1/img-0003.png by three features
 *   data/<class>/*.png      its labelled images (test/helpers/make-image-folder.ts); preset for
 *                           model/model.json in .vscode/settings.json
 *   model-large/model.json  the same model, not preset: interpreting it asks for a folder (data-large)
 *   data-large/<class>/     N (1200) generated 48x48 images per class (about 14 s): a run long enough to be cancelled
 *   train.py                a Keras-style script naming the layers, for "reveal layer"
 *   keras-app/model.json    the same model with Keras's automatic layer names (conv2d, max_pooling2d,
 *                           conv2d_1, ...), as a script that never names its layers gets; keras-app/train.py
 *                           builds it with unnamed layers
 *   notebook-app/model.json the same again, built by notebook-app/explore.ipynb (unnamed layers in cells)
 *   model-b/model.json      the same model, not preset, for choosing a wrong folder and then changing it
 *   data-wrong/<class>/     data/'s images under the wrong class names (class k's images in class k+1's folder)
 *   odd/inverted.png        the image to explain with its pixels inverted: unlike the data, flagged by Explain
 *   broken/model.json       not valid JSON
 *   missing-shard/model.json  a real model.json whose weight shard is missing
 *   config/settings.json    valid JSON that is not a model
 *   onnx-model/classifier.onnx  only when /usr/bin/python3 has torch and onnx: a small PyTorch CNN
 *                           (conv1, relu1, pool1, ... fc2 modules) trained on data/ by
 *                           test/helpers/train_pytorch_classifiers.py and exported with torch.onnx.export,
 *                           with its vebi.json (normalisation, class names); checked to explain
 *                           EXPLAIN_IMAGE by at least one feature. The manifest says whether it is there.
 *   .vscode/settings.json   vebi.dataFolders: model/model.json (and onnx-model/classifier.onnx) -> data
 *   .vscode/vebi-e2e.json   what the tests may rely on (classes, the image to explain)
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { decodeImage, preprocess } from '../src/engine/data';
import { saveLayersModel } from '../src/engine/model/save-layers-model';
import { explain, interpret } from '../src/engine';
import { makeImageFolder } from '../test/helpers/make-image-folder';
import type { ImageFolder } from '../test/helpers/make-image-folder';
import { useBackend } from '../test/helpers/backend';

/** What the tests may rely on; written to .vscode/vebi-e2e.json. */
export interface E2eManifest {
  classes: string[];
  trainAccuracy: number;
  /** Workspace-relative image whose explanation has EXPLAIN_FEATURES features (checked here). */
  explainImage: string;
  explainFeatures: number;
  largeImages: number;
  /** The PyTorch-trained ONNX model, or null (with the reason in onnxMissing) when python3 lacks torch/onnx. */
  onnxModel: OnnxModelEntry | null;
  onnxMissing?: string;
}

export interface OnnxModelEntry {
  /** Workspace-relative .onnx file; its data folder (data) is preset in .vscode/settings.json. */
  path: string;
  /** PyTorch's accuracy on data/. */
  trainAccuracy: number;
  /** The net's PyTorch module paths (conv1, relu1, ..., fc2): the panel's layer names. */
  modules: string[];
  /** Features explaining EXPLAIN_IMAGE (checked here, at least 1). */
  explainFeatures: number;
}

export const SIZE = 24;
export const CLASSES = 4;
export const EXPLAIN_IMAGE = 'data/1/img-0003.png';
const EXPLAIN_FEATURES = 3;
const ATTEMPTS = 5;
/** data-large: images per class and side; sized for an interpretation of several seconds here. */
export const DEFAULT_LARGE = { perClass: 1200, size: 48 };

/**
 * The layers of test/helpers/trained-fixture.ts plus a small dense layer: its units are nearly
 * class-specific, so each class gets at least three relevant features (the fixture's net, on its
 * easy data, gets two) and an explanation shows three feature cards.
 */
function buildNet(seed: number): tf.Sequential {
  // Seeded initialisers (and no shuffling below): each attempt trains the same model on every machine.
  const init = (layer: number) => tf.initializers.glorotUniform({ seed: seed * 100 + layer });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'conv_a', inputShape: [SIZE, SIZE, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool_a', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv_b_stride2', filters: 16, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }));
  model.add(tf.layers.activation({ name: 'relu_b', activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'fc', units: 24, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', kernelInitializer: init(4) }));
  return model;
}

async function train(folder: ImageFolder, modelDir: string, seed: number): Promise<number> {
  const shape = { height: SIZE, width: SIZE, channels: 3 as const };
  const inputs = await Promise.all(folder.files.map(async (file) => preprocess(await decodeImage(file.path, shape), 3, { kind: 'unit' })));
  const x = tf.stack(inputs.map((input) => tf.tensor3d(input, [SIZE, SIZE, 3])));
  const y = tf.oneHot(tf.tensor1d(folder.files.map((f) => f.label), 'int32'), CLASSES);
  const model = buildNet(seed);
  try {
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 25, batchSize: 16, shuffle: false, verbose: 0 });
    await saveLayersModel(model, modelDir);
    const accuracies = history.history.acc as number[];
    return accuracies[accuracies.length - 1];
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

/** Interprets and explains with the engine (no cache) and returns the explanation's feature count. */
async function explainedFeatures(root: string, scratch: string, modelPath = path.join(root, 'model', 'model.json')): Promise<number> {
  const interpretation = await interpret({ modelPath, dataDir: path.join(root, 'data'), outDir: path.join(scratch, 'interpretation'), cacheDir: null });
  const explanation = await explain({ modelPath, imagePath: path.join(root, EXPLAIN_IMAGE), reportDir: interpretation.outDir, outDir: path.join(scratch, 'explanation'), cacheDir: null });
  await fs.rm(scratch, { recursive: true, force: true });
  return explanation.report.features.length;
}

const TRAIN_PY = `"""The model in model/: what VEBI's "reveal layer" should find by name."""
import tensorflow as tf
from tensorflow.keras import layers


def build_model(size=${SIZE}, classes=${CLASSES}):
    return tf.keras.Sequential([
        layers.Input(shape=(size, size, 3)),
        layers.Conv2D(16, 3, padding='same', activation='relu', name='conv_a'),
        layers.MaxPooling2D(2, name='pool_a'),
        layers.Conv2D(16, 3, strides=2, padding='same', name='conv_b_stride2'),
        layers.Activation('relu', name='relu_b'),
        layers.Flatten(name='flatten'),
        layers.Dense(24, activation='relu', name='fc'),
        layers.Dense(classes, activation='softmax', name='scores'),
    ])


if __name__ == '__main__':
    model = build_model()
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model.summary()
`;

/** The model's layers as Keras names them when the script gives no names (creation order per class). */
const KERAS_AUTO_NAMES: Record<string, string> = {
  conv_a: 'conv2d',
  pool_a: 'max_pooling2d',
  conv_b_stride2: 'conv2d_1',
  relu_b: 'activation',
  flatten: 'flatten',
  fc: 'dense',
  scores: 'dense_1',
};

const UNNAMED_LAYERS = [
  'layers.Input(shape=(size, size, 3)),',
  "layers.Conv2D(16, 3, padding='same', activation='relu'),",
  'layers.MaxPooling2D(2),',
  "layers.Conv2D(16, 3, strides=2, padding='same'),",
  "layers.Activation('relu'),",
  'layers.Flatten(),',
  "layers.Dense(24, activation='relu'),",
  "layers.Dense(classes, activation='softmax'),",
];

const KERAS_APP_TRAIN_PY = `"""Builds keras-app/model.json. No layer is named: Keras calls them conv2d, conv2d_1, ..."""
import tensorflow as tf
from tensorflow.keras import layers


def build_model(size=${SIZE}, classes=${CLASSES}):
    return tf.keras.Sequential([
${UNNAMED_LAYERS.map((line) => `        ${line}`).join('\n')}
    ])
`;

/** A notebook building the same unnamed layers over two code cells, with a markdown cell between. */
function notebook(): string {
  const code = (lines: string[]) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)) });
  const [input, conv, pool, ...rest] = UNNAMED_LAYERS;
  return `${JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Exploring the model\n', 'The first block: layers.Conv2D(16, 3) then pooling.'] },
        code(['import tensorflow as tf', 'from tensorflow.keras import layers', `size, classes = ${SIZE}, ${CLASSES}`, `first_block = [${input} ${conv} ${pool}]`]),
        { cell_type: 'markdown', metadata: {}, source: ['Then the head.'] },
        code([`head = [`, ...rest.map((line) => `    ${line}`), ']', 'model = tf.keras.Sequential(first_block + head)']),
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`;
}

/** Copies a TF.js model folder with its layers renamed (topology and weight names). */
async function copyRenamed(fromDir: string, toDir: string, names: Record<string, string>): Promise<void> {
  await fs.cp(fromDir, toDir, { recursive: true });
  const file = path.join(toDir, 'model.json');
  let text = await fs.readFile(file, 'utf8');
  for (const [from, to] of Object.entries(names)) text = text.replaceAll(`"${from}"`, `"${to}"`).replaceAll(`"${from}/`, `"${to}/`);
  await fs.writeFile(file, text);
}

const PYTHON = '/usr/bin/python3';
const ONNX_MODEL = 'onnx-model/classifier.onnx';

/** Why the PyTorch model cannot be made here, or false when it can. */
function torchMissing(): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return false;
  } catch {
    return `${PYTHON} lacks torch/onnx (apt-get install python3-torch python3-onnx)`;
  }
}

/**
 * Trains the PyTorch CNN on data/ and exports onnx-model/classifier.onnx with its vebi.json; tries
 * the next seed until the engine explains EXPLAIN_IMAGE by at least one feature.
 */
async function makeOnnxModel(root: string, step: (what: string) => void): Promise<OnnxModelEntry> {
  const dir = path.join(root, path.dirname(ONNX_MODEL));
  const script = path.resolve(__dirname, '..', 'test', 'helpers', 'train_pytorch_classifiers.py');
  for (let seed = 0; seed < ATTEMPTS; seed++) {
    step(`training the PyTorch model (seed ${seed})`);
    await fs.rm(dir, { recursive: true, force: true });
    await promisify(execFile)(PYTHON, [script, 'folder', path.join(root, 'data'), dir, '--name', 'classifier', '--exports', 'opset13-unfolded', '--epochs', '30', '--seed', String(seed)]);
    const training = JSON.parse(await fs.readFile(path.join(dir, 'training.json'), 'utf8')) as { trainAccuracy: number; modules: string[] };
    // The workspace is for the extension: the training record stays out of it.
    await fs.rm(path.join(dir, 'training.json'));
    const features = await explainedFeatures(root, await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-e2e-check-')), path.join(root, ONNX_MODEL));
    step(`PyTorch train accuracy ${(training.trainAccuracy * 100).toFixed(1)} %, ${EXPLAIN_IMAGE} explained by ${features} features`);
    if (features > 0 && training.trainAccuracy >= 0.9) return { path: ONNX_MODEL, trainAccuracy: training.trainAccuracy, modules: training.modules, explainFeatures: features };
  }
  throw new Error(`After ${ATTEMPTS} trainings the PyTorch model does not explain ${EXPLAIN_IMAGE} by any feature (or misses 90 % train accuracy).`);
}

export async function makeE2eWorkspace(out: string, large = DEFAULT_LARGE, log: (line: string) => void = () => undefined): Promise<E2eManifest> {
  const started = Date.now();
  const step = (what: string) => log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
  const root = path.resolve(out);
  // Regenerated whole: a stale model next to new images would make the tests lie.
  await fs.rm(root, { recursive: true, force: true });
  await fs.mkdir(root, { recursive: true });
  await useBackend('wasm');

  const folder = await makeImageFolder(path.join(root, 'data'), { classes: CLASSES, perClass: 30, size: SIZE, channels: 3, seed: 5 });
  // Some initialisations give the explained image only two features: try the next seed until it has three.
  let trainAccuracy = 0;
  let features = 0;
  for (let attempt = 1; attempt <= ATTEMPTS && features < EXPLAIN_FEATURES; attempt++) {
    step(`training the model (attempt ${attempt})`);
    trainAccuracy = await train(folder, path.join(root, 'model'), attempt);
    features = await explainedFeatures(root, await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-e2e-check-')));
    step(`train accuracy ${(trainAccuracy * 100).toFixed(1)} %, ${EXPLAIN_IMAGE} explained by ${features} features`);
  }
  if (features < EXPLAIN_FEATURES) throw new Error(`After ${ATTEMPTS} trainings the explanation of ${EXPLAIN_IMAGE} has ${features} features, not ${EXPLAIN_FEATURES}.`);
  await fs.cp(path.join(root, 'model'), path.join(root, 'model-large'), { recursive: true });
  step(`writing ${large.perClass * CLASSES} images into data-large`);
  // Same drawing as data/ (other seed), bigger images: decoding and resizing them makes a run long enough to cancel.
  await makeImageFolder(path.join(root, 'data-large'), { classes: CLASSES, perClass: large.perClass, size: large.size, channels: 3, seed: 11 });

  await fs.writeFile(path.join(root, 'train.py'), TRAIN_PY);
  await fs.cp(path.join(root, 'model'), path.join(root, 'model-b'), { recursive: true });
  await fs.mkdir(path.join(root, 'odd'), { recursive: true });
  await sharp(path.join(root, EXPLAIN_IMAGE)).negate({ alpha: false }).png().toFile(path.join(root, 'odd', 'inverted.png'));
  for (const [k, name] of folder.classes.entries()) {
    await fs.cp(path.join(root, 'data', name), path.join(root, 'data-wrong', folder.classes[(k + 1) % folder.classes.length]), { recursive: true });
  }
  await copyRenamed(path.join(root, 'model'), path.join(root, 'keras-app'), KERAS_AUTO_NAMES);
  await fs.writeFile(path.join(root, 'keras-app', 'train.py'), KERAS_APP_TRAIN_PY);
  await copyRenamed(path.join(root, 'model'), path.join(root, 'notebook-app'), KERAS_AUTO_NAMES);
  await fs.writeFile(path.join(root, 'notebook-app', 'explore.ipynb'), notebook());
  await fs.mkdir(path.join(root, 'broken'), { recursive: true });
  await fs.writeFile(path.join(root, 'broken', 'model.json'), '{"format": "layers-model", "modelTopology": {"class_name": "Sequential", \n');
  await fs.mkdir(path.join(root, 'missing-shard'), { recursive: true });
  await fs.copyFile(path.join(root, 'model', 'model.json'), path.join(root, 'missing-shard', 'model.json'));
  await fs.mkdir(path.join(root, 'config'), { recursive: true });
  await fs.writeFile(path.join(root, 'config', 'settings.json'), `${JSON.stringify({ epochs: 25, batchSize: 16, learningRate: 0.01 }, null, 2)}\n`);
  const onnxMissing = torchMissing();
  const onnxModel = onnxMissing ? null : await makeOnnxModel(root, step);
  if (onnxMissing) step(`no ${ONNX_MODEL}: ${onnxMissing}`);
  await fs.mkdir(path.join(root, '.vscode'), { recursive: true });
  const settings = {
    'vebi.dataFolders': { 'model/model.json': 'data', 'keras-app/model.json': 'data', 'notebook-app/model.json': 'data', ...(onnxModel ? { [ONNX_MODEL]: 'data' } : {}) },
    // Thousands of generated images need no watching or searching.
    'files.watcherExclude': { '**/data-large/**': true },
    'search.exclude': { '**/data-large/**': true },
  };
  await fs.writeFile(path.join(root, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  const manifest: E2eManifest = {
    classes: folder.classes,
    trainAccuracy,
    explainImage: EXPLAIN_IMAGE,
    explainFeatures: features,
    largeImages: large.perClass * CLASSES,
    onnxModel,
    ...(onnxMissing ? { onnxMissing } : {}),
  };
  await fs.writeFile(path.join(root, '.vscode', 'vebi-e2e.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const large = { perClass: option('--large', DEFAULT_LARGE.perClass), size: option('--large-size', DEFAULT_LARGE.size) };
  const [out] = args;
  if (!out || args.length > 1 || ![large.perClass, large.size].every((n) => Number.isInteger(n) && n > 0)) {
    process.stderr.write('usage: make-e2e-workspace.ts OUT_DIR [--large IMAGES_PER_CLASS] [--large-size PIXELS]\n');
    process.exit(2);
  }
  const started = Date.now();
  makeE2eWorkspace(out, large, (line) => process.stdout.write(`${line}\n`)).then(
    (ws) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`e2e workspace ${path.resolve(out)}: classes ${ws.classes.join(', ')}, train accuracy ${(ws.trainAccuracy * 100).toFixed(1)} %, ${ws.explainImage} explained by ${ws.explainFeatures} features, ${ws.largeImages} images in data-large, ` +
          `${ws.onnxModel ? `${ws.onnxModel.path} (PyTorch, train accuracy ${(ws.onnxModel.trainAccuracy * 100).toFixed(1)} %, ${ws.onnxModel.explainFeatures} features)` : `no ONNX model (${ws.onnxMissing})`} (${seconds} s)\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
