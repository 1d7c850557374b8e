import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { buildBranchy, buildLeNet, buildMobileLike, randomImages, writeTinyGraphModel, writeTinyModel } from '../helpers/tiny-models';
import { loadModel } from '../../src/engine/model/load-model';
import { LayerGraphModel } from '../../src/engine/model/layer-graph';
import { saveLayersModel } from '../../src/engine/model/safe-io-handler';
import { writeFilesAtomically } from '../../src/engine/fs/atomic-folder';
import { isVebiError, type VebiErrorCode } from '../../src/shared/errors';

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'vebi-model-'));
}

async function rejectsWith(promise: Promise<unknown>, code: VebiErrorCode, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isVebiError(err), `expected a VebiError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

interface ModelJsonShape {
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  format?: string;
}

async function readJson(file: string): Promise<ModelJsonShape> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as ModelJsonShape;
}

async function editJson(file: string, edit: (json: ModelJsonShape) => void): Promise<void> {
  const json = await readJson(file);
  edit(json);
  await fs.writeFile(file, JSON.stringify(json));
}

test('missing model, folder without model.json, non-JSON, JSON that is not a TF.js model', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  await rejectsWith(loadModel(path.join(dir, 'nothing-here')), 'MODEL_NOT_FOUND', /nothing-here/);
  await rejectsWith(loadModel(dir), 'MODEL_NOT_FOUND', /has no model\.json/);
  await fs.writeFile(path.join(dir, 'weights.h5'), 'not really hdf5');
  await rejectsWith(loadModel(dir), 'MODEL_NOT_FOUND', /Keras model weights\.h5: give that file's path/);
  await rejectsWith(loadModel(path.join(dir, 'weights.h5')), 'MODEL_CORRUPT', /weights\.h5 does not hold a readable HDF5 file/);
  await fs.writeFile(path.join(dir, 'model.keras'), 'not really a zip');
  await rejectsWith(loadModel(path.join(dir, 'model.keras')), 'MODEL_CORRUPT', /model\.keras is not a readable \.keras archive/);
  await fs.rm(path.join(dir, 'model.keras'));
  // A SavedModel (folder or its .pb): refused with why and the two ways out.
  const savedModel = path.join(dir, 'saved');
  await fs.mkdir(path.join(savedModel, 'variables'), { recursive: true });
  await fs.writeFile(path.join(savedModel, 'saved_model.pb'), 'protobuf bytes');
  await rejectsWith(loadModel(savedModel), 'MODEL_UNSUPPORTED', /saved is a TensorFlow SavedModel/, /internal layers/, /model\.save\("model\.keras"\)/, /tensorflowjs_converter --input_format tf_saved_model/);
  await rejectsWith(loadModel(path.join(savedModel, 'saved_model.pb')), 'MODEL_UNSUPPORTED', /saved_model\.pb is a TensorFlow SavedModel/);

  const file = path.join(dir, 'model.json');
  await fs.writeFile(file, '{"modelTopology": {oops');
  await rejectsWith(loadModel(dir), 'MODEL_CORRUPT', /not valid JSON/, /model\.json/);
  await fs.writeFile(file, '[1, 2, 3]');
  await rejectsWith(loadModel(file), 'MODEL_UNSUPPORTED', /not a TensorFlow\.js model\.json/);
  await fs.writeFile(file, JSON.stringify({ class_name: 'Sequential', config: { layers: [] } }));
  await rejectsWith(loadModel(file), 'MODEL_UNSUPPORTED', /Keras config\.json/);
  await fs.writeFile(file, JSON.stringify({ modelTopology: { something: 1 }, weightsManifest: [] }));
  await rejectsWith(loadModel(file), 'MODEL_UNSUPPORTED', /neither a TensorFlow\.js layers model/);
  await fs.writeFile(file, JSON.stringify({ modelTopology: { class_name: 'Sequential', config: {} } }));
  await rejectsWith(loadModel(file), 'MODEL_CORRUPT', /weightsManifest/);
  await fs.writeFile(file, JSON.stringify({ modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'k', shape: [2], dtype: 'float99' }] }] }));
  await rejectsWith(loadModel(file), 'MODEL_CORRUPT', /unknown dtype/);
  await fs.rm(dir, { recursive: true });
});

test('missing, truncated and overlong shards are reported by name with byte counts', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyModel(dir, buildLeNet);
  const shard = path.join(dir, 'group1-shard1of1.bin');
  const bytes = (await fs.stat(shard)).size;

  await fs.rename(shard, `${shard}.away`);
  await rejectsWith(loadModel(file), 'WEIGHTS_MISSING', /"group1-shard1of1\.bin"/, /does not exist/);
  await fs.rename(`${shard}.away`, shard);

  await fs.truncate(shard, bytes - 8);
  await rejectsWith(loadModel(file), 'WEIGHTS_SHORT', /"group1-shard1of1\.bin"/, new RegExp(`expected ${bytes} bytes, found ${bytes - 8} bytes`), /shorter/);
  await fs.appendFile(shard, Buffer.alloc(16));
  await rejectsWith(loadModel(file), 'WEIGHTS_SHORT', new RegExp(`expected ${bytes} bytes, found ${bytes + 8} bytes`), /longer/);
  await fs.truncate(shard, bytes);

  // Split into two shards the way tfjs does (equal sizes but the last): the short shard is named.
  const data = await fs.readFile(shard);
  const half = Math.ceil(bytes / 2 / 4) * 4;
  await fs.writeFile(path.join(dir, 'part1.bin'), data.subarray(0, half - 4));
  await fs.writeFile(path.join(dir, 'part2.bin'), data.subarray(half));
  await editJson(file, (json) => (json.weightsManifest[0].paths = ['part1.bin', 'part2.bin']));
  await rejectsWith(loadModel(file), 'WEIGHTS_SHORT', /"part1\.bin"/, new RegExp(`expected ${half} bytes, found ${half - 4}`));
  await fs.writeFile(path.join(dir, 'part1.bin'), data.subarray(0, half));
  await fs.writeFile(path.join(dir, 'part2.bin'), data.subarray(half, bytes - 4));
  await rejectsWith(loadModel(file), 'WEIGHTS_SHORT', /"part2\.bin"/, new RegExp(`expected ${bytes - half} bytes, found ${bytes - half - 4}`));
  await fs.writeFile(path.join(dir, 'part2.bin'), data.subarray(half));
  const split = await loadModel(file);
  assert.equal(split.featureLayers.length, 6, 'a correctly split model loads');
  split.dispose();
  await fs.rm(dir, { recursive: true });
});

test('weight paths that leave the model folder are refused: "..", absolute, URL, symlink', async () => {
  await useBackend('wasm');
  const root = await tempDir();
  const dir = path.join(root, 'model');
  const file = await writeTinyModel(dir, buildLeNet);
  const outside = path.join(root, 'evil.bin');
  await fs.copyFile(path.join(dir, 'group1-shard1of1.bin'), outside);
  const setPath = (p: string): Promise<void> => editJson(file, (json) => (json.weightsManifest[0].paths = [p]));

  await setPath('../evil.bin');
  await rejectsWith(loadModel(file), 'WEIGHTS_PATH_ESCAPES', /"\.\.\/evil\.bin"/, /outside the model folder/);
  await setPath('sub/../../evil.bin');
  await rejectsWith(loadModel(file), 'WEIGHTS_PATH_ESCAPES');
  await setPath(outside);
  await rejectsWith(loadModel(file), 'WEIGHTS_PATH_ESCAPES', /absolute/);
  await setPath('file:///etc/passwd');
  await rejectsWith(loadModel(file), 'WEIGHTS_PATH_ESCAPES');
  await fs.symlink(outside, path.join(dir, 'link.bin'));
  await setPath('link.bin');
  await rejectsWith(loadModel(file), 'WEIGHTS_PATH_ESCAPES', /resolves outside/);
  // A symlink that stays inside the folder is fine.
  await fs.symlink(path.join(dir, 'group1-shard1of1.bin'), path.join(dir, 'inside.bin'));
  await setPath('inside.bin');
  (await loadModel(file)).dispose();
  await fs.rm(root, { recursive: true });
});

test('layer classes TensorFlow.js cannot build are named (Lambda, custom classes)', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyModel(dir, buildLeNet);
  const renameClass = (className: string): Promise<void> =>
    editJson(file, (json) => {
      const layers = (json.modelTopology.config as { layers: { class_name: string; config: { name: string } }[] }).layers;
      const target = layers.find((l) => l.config.name === 'relu1');
      assert.ok(target);
      target.class_name = className;
    });
  await renameClass('Lambda');
  await rejectsWith(loadModel(file), 'LAYER_UNSUPPORTED', /"relu1" \(Lambda\)/, /Lambda layers hold Python code/);
  await renameClass('MyFancyLayer');
  await rejectsWith(loadModel(file), 'LAYER_UNSUPPORTED', /"relu1" \(MyFancyLayer\)/);
  await fs.rm(dir, { recursive: true });
});

test('a topology tfjs cannot build gives MODEL_UNSUPPORTED with its reason', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyModel(dir, buildLeNet);
  await editJson(file, (json) => {
    const layers = (json.modelTopology.config as { layers: { config: Record<string, unknown> }[] }).layers;
    layers[0].config.kernel_size = 'three';
  });
  await rejectsWith(loadModel(file), 'MODEL_UNSUPPORTED', /could not build the model/);
  await fs.rm(dir, { recursive: true });
});

test('round trip: saveLayersModel then loadModel predicts exactly what the original model predicts', async () => {
  await useBackend('wasm');
  const root = await tempDir();
  for (const build of [buildLeNet, buildBranchy, buildMobileLike]) {
    const original = build(4);
    const dir = path.join(root, build.name);
    const file = await saveLayersModel(original, dir);
    assert.equal(file, path.join(dir, 'model.json'));
    assert.deepEqual((await fs.readdir(dir)).sort(), ['group1-shard1of1.bin', 'model.json', 'vebi-output.json']);
    for (const target of [dir, file]) {
      const loaded = await loadModel(target);
      assert.equal(loaded.format, 'tfjs-layers');
      assert.equal(loaded.path, file);
      const x = randomImages(3, loaded.inputShape, 31);
      const predicted = original.predict(x) as tf.Tensor;
      const before = new LayerGraphModel(original, 'in memory').forward(x, loaded.featureLayers);
      const after = loaded.forward(x, loaded.featureLayers);
      assert.deepEqual(await after.logits.array(), await before.logits.array(), `${build.name}: identical class scores`);
      assert.deepEqual(await after.probs.array(), await before.probs.array(), `${build.name}: identical probabilities`);
      for (const [i, t] of after.outputs.entries()) assert.deepEqual(await t.array(), await before.outputs[i].array(), `${build.name}: ${loaded.featureLayers[i]}`);
      assert.ok(tf.max(tf.abs(tf.sub(after.probs, predicted))).dataSync()[0] < 1e-6, `${build.name}: same as predict()`);
      tf.dispose([x, predicted, ...before.outputs, before.logits, before.probs, ...after.outputs, after.logits, after.probs]);
      loaded.dispose();
    }
    original.dispose();
  }
  assert.deepEqual((await fs.readdir(root)).sort(), ['buildBranchy', 'buildLeNet', 'buildMobileLike'], 'no temporary folders left behind');
  await fs.rm(root, { recursive: true });
});

test('a saved model folder is never half-written', async () => {
  await useBackend('wasm');
  const root = await tempDir();
  const dir = path.join(root, 'model');

  // A write that fails after its first file leaves nothing at the target and no temporary folder.
  await assert.rejects(writeFilesAtomically(dir, [{ name: 'model.json', data: '{}' }, { name: 'missing-sub/x.bin', data: new Uint8Array(4) }]));
  assert.deepEqual(await fs.readdir(root), []);

  // Replacing a saved model: a failure keeps the old model whole; success swaps it in one step.
  const file = await writeTinyModel(dir, buildLeNet, 1);
  const before = await fs.readFile(path.join(dir, 'group1-shard1of1.bin'));
  await assert.rejects(writeFilesAtomically(dir, [{ name: 'model.json', data: '{}' }, { name: 'missing-sub/x.bin', data: new Uint8Array(4) }]));
  assert.deepEqual(await fs.readFile(path.join(dir, 'group1-shard1of1.bin')), before);
  (await loadModel(file)).dispose();
  await writeTinyModel(dir, buildLeNet, 2);
  assert.notDeepEqual(await fs.readFile(path.join(dir, 'group1-shard1of1.bin')), before);
  assert.deepEqual(await fs.readdir(root), ['model']);

  // A folder holding other files is never replaced.
  const busy = path.join(root, 'busy');
  await fs.mkdir(busy);
  await fs.writeFile(path.join(busy, 'notes.txt'), 'keep me');
  const model = buildLeNet();
  await rejectsWith(saveLayersModel(model, busy), 'OUTPUT_REFUSED', /notes\.txt/);
  model.dispose();
  assert.deepEqual(await fs.readdir(busy), ['notes.txt']);
  await fs.rm(root, { recursive: true });
});

test('graph models: ReLU / pooling / conv nodes are features, plain-gradient projection, receptive fields', async () => {
  await useBackend('wasm');
  const dir = await tempDir();
  const file = await writeTinyGraphModel(dir);
  const model = await loadModel(dir);
  assert.equal(model.format, 'tfjs-graph');
  assert.deepEqual(model.inputShape, [10, 10, 2]);
  assert.equal(model.numClasses, 3);
  assert.deepEqual(model.featureLayers, ['conv1/Relu', 'pool1', 'conv2/Relu']);
  assert.equal(model.featureCount, 4 + 4 + 6);
  assert.equal(model.backwardRules?.guided, false, 'graph models say that guided ReLU is not available');
  const skipped = Object.fromEntries(model.layers.filter((l) => !l.isFeature).map((l) => [l.name, l.skipReason]));
  assert.match(skipped['conv1/BiasAdd'] ?? '', /pre-activation/);
  assert.match(skipped['dense/MatMul'] ?? '', /final class-score/);
  assert.deepEqual(model.receptiveField('pool1'), { size: [4, 4], jump: [2, 2], offset: [-1, -1] });
  assert.deepEqual(model.receptiveField('conv2/Relu'), { size: [8, 8], jump: [4, 4], offset: [-3, -3] });

  const x = randomImages(2, [10, 10, 2]);
  const { outputs, logits, probs } = model.forward(x, model.featureLayers);
  assert.deepEqual(outputs.map((t) => t.shape), [[2, 10, 10, 4], [2, 5, 5, 4], [2, 3, 3, 6]]);
  assert.ok(tf.max(tf.abs(tf.sub(tf.softmax(logits), probs))).dataSync()[0] < 1e-6);
  model.project(x, 'pool1', outputs[1], { rule: 'gradient', stridedFix: false }).dispose(); // first call warms tfjs caches
  const baseline = tf.memory().numTensors;
  const projection = model.project(x, 'pool1', outputs[1], { rule: 'guided', stridedFix: true });
  assert.deepEqual(projection.shape, [2, 10, 10, 2]);
  const plain = model.project(x, 'pool1', outputs[1], { rule: 'gradient', stridedFix: false });
  // Guided is not available on graph models: the plain gradient comes back for every rule.
  assert.deepEqual(await projection.array(), await plain.array());
  assert.ok(tf.tidy(() => tf.sum(tf.abs(projection)).dataSync()[0]) > 0);
  tf.dispose([projection, plain]);
  assert.equal(tf.memory().numTensors, baseline, 'no tensor leaks');
  // ... and it is the true gradient: <J^T s, v> = <s, J v> with J v from a finite difference (pool1 is
  // piecewise linear in x, exact for a small step that crosses no ReLU/max boundary).
  const v = tf.mul(randomImages(2, [10, 10, 2], 3), 1e-3);
  const jts = model.project(x, 'pool1', outputs[1], { rule: 'gradient', stridedFix: false });
  const xv = tf.add(x, v) as tf.Tensor4D;
  const moved = model.forward(xv, ['pool1']);
  const lhs = tf.tidy(() => tf.sum(tf.mul(jts, v)).dataSync()[0]);
  const rhs = tf.tidy(() => tf.sum(tf.mul(outputs[1], tf.sub(moved.outputs[0], outputs[1]))).dataSync()[0]);
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.abs(rhs) + 1e-6, `${lhs} vs ${rhs}`);
  tf.dispose([v, xv, jts, ...moved.outputs, moved.logits, moved.probs]);
  tf.dispose([x, ...outputs, logits, probs]);
  model.dispose();

  // A graph with a dynamic image size cannot give fixed feature maps.
  await editJson(file, (json) => {
    const nodes = (json.modelTopology as { node: { name: string; attr: { shape?: { shape: { dim: { size: string }[] } } } }[] }).node;
    const input = nodes.find((n) => n.name === 'image');
    assert.ok(input?.attr.shape);
    input.attr.shape.shape.dim[1].size = '-1';
  });
  await rejectsWith(loadModel(file), 'MODEL_UNSUPPORTED', /fixed image size/);
  await fs.rm(dir, { recursive: true });
});
