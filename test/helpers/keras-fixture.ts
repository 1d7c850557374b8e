/**
 * Keras files written for tests (no Keras): a Functional model with the layers of
 * common image classifiers, as a Keras 3 config (module, registered_name, DTypePolicy, batch_shape,
 * dict inbound nodes) plus its weights, saved both as a Keras 3 .keras archive and as a legacy
 * .h5, by h5wasm in Node or by Debian's python3-h5py with Keras's own attribute encodings (Keras 2:
 * bytes and fixed-length byte-string lists; Keras 3: str). A TF.js reference model with the same
 * architecture and seeded weights gives the expected outputs.
 *
 * Architecture (16x16x3 -> 5 classes): Rescaling(1/255), Normalization (adapted mean/variance/count),
 * ZeroPadding2D, Conv2D (stride 2, no bias), BatchNormalization, ReLU, DepthwiseConv2D (relu),
 * SeparableConv2D, Add, Concatenate, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Reshape,
 * Flatten, Dropout, Dense + LeakyReLU, Dense softmax.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { h5wasm } from '../../src/engine/model/keras/open-hdf5';
import { toSnakeCase } from '../../src/engine/model/keras/keras-config-to-tfjs';
import { seedWeights } from './tiny-models';

type Json = Record<string, unknown>;

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const INIT = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };

export const NORM_MEAN = [0.4, 0.5, 0.6];
export const NORM_VARIANCE = [0.04, 0.09, 0.16];

interface Spec {
  className: string;
  name: string;
  config: Json;
  inputs: string[];
}

const SPECS: Spec[] = [
  { className: 'Rescaling', name: 'rescale', config: { scale: 1 / 255, offset: 0 }, inputs: ['input_layer'] },
  { className: 'Normalization', name: 'norm', config: { axis: [-1], mean: null, variance: null, invert: false }, inputs: ['rescale'] },
  { className: 'ZeroPadding2D', name: 'pad', config: { padding: [[1, 1], [1, 1]], data_format: 'channels_last' }, inputs: ['norm'] },
  { className: 'Conv2D', name: 'conv1', config: { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: false, kernel_initializer: INIT, kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.001 }, registered_name: null } }, inputs: ['pad'] },
  { className: 'BatchNormalization', name: 'bn1', config: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false }, inputs: ['conv1'] },
  { className: 'ReLU', name: 'relu1', config: { max_value: null, negative_slope: 0, threshold: 0 }, inputs: ['bn1'] },
  { className: 'DepthwiseConv2D', name: 'dw', config: { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true }, inputs: ['relu1'] },
  { className: 'SeparableConv2D', name: 'sep', config: { filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true }, inputs: ['dw'] },
  { className: 'Add', name: 'add', config: {}, inputs: ['relu1', 'sep'] },
  { className: 'Concatenate', name: 'cat', config: { axis: -1 }, inputs: ['add', 'dw'] },
  { className: 'MaxPooling2D', name: 'maxpool', config: { pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' }, inputs: ['cat'] },
  { className: 'AveragePooling2D', name: 'avgpool', config: { pool_size: [2, 2], strides: [1, 1], padding: 'same', data_format: 'channels_last' }, inputs: ['maxpool'] },
  { className: 'GlobalAveragePooling2D', name: 'gap', config: { data_format: 'channels_last', keepdims: false }, inputs: ['avgpool'] },
  { className: 'Reshape', name: 'reshape', config: { target_shape: [4, 4] }, inputs: ['gap'] },
  { className: 'Flatten', name: 'flatten', config: { data_format: 'channels_last' }, inputs: ['reshape'] },
  { className: 'Dropout', name: 'drop', config: { rate: 0.5, seed: null, noise_shape: null }, inputs: ['flatten'] },
  { className: 'Dense', name: 'fc', config: { units: 12, activation: 'linear', use_bias: true, kernel_initializer: INIT }, inputs: ['drop'] },
  { className: 'LeakyReLU', name: 'leaky', config: { negative_slope: 0.1 }, inputs: ['fc'] },
  { className: 'Dense', name: 'out', config: { units: 5, activation: 'softmax', use_bias: true }, inputs: ['leaky'] },
];

function kerasTensor(layer: string): Json {
  return { class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [layer, 0, 0] } };
}

/** The model's Keras 3 config.json; `extra` layers (e.g. a Lambda) are inserted before the output. */
export function keras3FunctionalConfig(): Json {
  const input = {
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: { batch_shape: [null, 16, 16, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false },
    registered_name: null,
    name: 'input_layer',
    inbound_nodes: [],
  };
  const layers = SPECS.map((s) => ({
    module: 'keras.layers',
    class_name: s.className,
    config: { name: s.name, trainable: true, dtype: POLICY, ...s.config },
    registered_name: null,
    build_config: { input_shape: null },
    name: s.name,
    inbound_nodes: [{ args: [s.inputs.length === 1 ? kerasTensor(s.inputs[0]) : s.inputs.map(kerasTensor)], kwargs: {} }],
  }));
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: { name: 'functional', trainable: true, layers: [input, ...layers], input_layers: [['input_layer', 0, 0]], output_layers: [['out', 0, 0]] },
    registered_name: 'Functional',
  };
}

/** The same model built directly with tf.layers, weights seeded; Normalization as its BatchNorm equivalent. */
export function referenceModel(seed = 7): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3], name: 'input_layer' });
  const rescale = tf.layers.rescaling({ scale: 1 / 255, offset: 0, name: 'rescale' }).apply(input) as tf.SymbolicTensor;
  const norm = tf.layers.batchNormalization({ center: false, scale: false, epsilon: 1e-7, name: 'norm' }).apply(rescale) as tf.SymbolicTensor;
  const pad = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pad' }).apply(norm) as tf.SymbolicTensor;
  const conv1 = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, useBias: false, name: 'conv1' }).apply(pad) as tf.SymbolicTensor;
  const bn1 = tf.layers.batchNormalization({ name: 'bn1' }).apply(conv1) as tf.SymbolicTensor;
  const relu1 = tf.layers.reLU({ name: 'relu1' }).apply(bn1) as tf.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', name: 'dw' }).apply(relu1) as tf.SymbolicTensor;
  const sep = tf.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'sep' }).apply(dw) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'add' }).apply([relu1, sep]) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([add, dw]) as tf.SymbolicTensor;
  const maxpool = tf.layers.maxPooling2d({ poolSize: 2, name: 'maxpool' }).apply(cat) as tf.SymbolicTensor;
  const avgpool = tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'avgpool' }).apply(maxpool) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(avgpool) as tf.SymbolicTensor;
  const reshape = tf.layers.reshape({ targetShape: [4, 4], name: 'reshape' }).apply(gap) as tf.SymbolicTensor;
  const flatten = tf.layers.flatten({ name: 'flatten' }).apply(reshape) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(flatten) as tf.SymbolicTensor;
  const fc = tf.layers.dense({ units: 12, name: 'fc' }).apply(drop) as tf.SymbolicTensor;
  const leaky = tf.layers.leakyReLU({ alpha: 0.1, name: 'leaky' }).apply(fc) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: 'softmax', name: 'out' }).apply(leaky) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'functional' });
  seedWeights(model, seed);
  model.getLayer('norm').setWeights([tf.tensor1d(NORM_MEAN), tf.tensor1d(NORM_VARIANCE)]);
  return model;
}

/** Each layer's weight arrays as Keras saves them (Normalization adds its sample count). */
function kerasWeights(model: tf.LayersModel): Map<string, { name: string; shape: number[]; data: Float32Array }[]> {
  const out = new Map<string, { name: string; shape: number[]; data: Float32Array }[]>();
  for (const spec of SPECS) {
    const layer = model.getLayer(spec.name);
    const arrays = layer.weights.map((w) => ({ name: w.originalName.split('/').pop() ?? w.name, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
    if (spec.className === 'Normalization') {
      arrays[0].name = 'mean';
      arrays[1].name = 'variance';
      arrays.push({ name: 'count', shape: [], data: Float32Array.of(1000) });
    }
    out.set(spec.name, arrays);
  }
  return out;
}

/** An HDF5 file as data, so that two writers can produce it: h5wasm (in Node) and h5py (Debian's, as Keras does). */
export interface Hdf5Plan {
  groups: string[];
  attrs: { path: string; name: string; kind: 'str' | 'bytes' | 'str_list' | 'bytes_list'; value: string | string[] }[];
  datasets: { path: string; shape: number[]; data: Float32Array }[];
}

export type Hdf5Writer = 'h5wasm' | 'h5py';

/** The Debian python3 with h5py (python3-h5py), or undefined: the h5py fixtures then skip. */
export function h5pyPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import h5py'], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export async function writePlan(plan: Hdf5Plan, writer: Hdf5Writer): Promise<Uint8Array> {
  return writer === 'h5py' ? writePlanH5py(plan) : writePlanH5wasm(plan);
}

function writePlanH5py(plan: Hdf5Plan): Uint8Array {
  const python = h5pyPython();
  if (!python) throw new Error('python3 with h5py is not installed (apt-get install python3-h5py)');
  const dir = mkdtempSync(path.join(tmpdir(), 'vebi-h5py-'));
  try {
    const file = path.join(dir, 'out.h5');
    const datasets = plan.datasets.map((d) => ({ ...d, data: Buffer.from(d.data.buffer, d.data.byteOffset, d.data.byteLength).toString('base64') }));
    execFileSync(python, [path.join(__dirname, 'write_hdf5_plan.py')], { input: JSON.stringify({ file, groups: plan.groups, attrs: plan.attrs, datasets }), stdio: ['pipe', 'ignore', 'pipe'] });
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writePlanH5wasm(plan: Hdf5Plan): Promise<Uint8Array> {
  const h5 = await h5wasm();
  const name = `/fixture-${process.pid}-${Date.now()}.h5`;
  const root = new h5.File(name, 'w');
  try {
    const group = (p: string): import('h5wasm').Group => {
      let at: import('h5wasm').Group = root;
      for (const part of p.split('/').filter(Boolean)) at = (at.keys().includes(part) ? at.get(part) : at.create_group(part)) as import('h5wasm').Group;
      return at;
    };
    for (const p of plan.groups) group(p);
    for (const d of plan.datasets) group(path.posix.dirname(d.path)).create_dataset({ name: path.posix.basename(d.path), data: d.data, shape: d.shape, dtype: '<f' });
    for (const a of plan.attrs) group(a.path).create_attribute(a.name, a.value);
  } finally {
    root.close();
  }
  const fs = h5.FS;
  if (!fs) throw new Error('h5wasm has no file system');
  const bytes = fs.readFile(name) as Uint8Array;
  fs.unlink(name);
  return bytes;
}

export interface KerasWriteOptions {
  config?: Json;
  /** Whether the vars groups of a .keras name their layer (Keras 3 writes it; older saves do not). */
  nameAttributes?: boolean;
  writer?: Hdf5Writer;
}

/**
 * Writes `model` as a Keras 3 .keras archive (config.json + model.weights.h5 with layers/<key>/vars).
 * Without `nameAttributes`, the vars groups do not name their layer and only the keys identify them.
 */
export async function writeKerasArchive(model: tf.LayersModel, file: string, options: KerasWriteOptions = {}): Promise<void> {
  const weights = kerasWeights(model);
  const counts = new Map<string, number>();
  const plan: Hdf5Plan = { groups: [], attrs: [], datasets: [] };
  for (const spec of SPECS) {
    const base = toSnakeCase(spec.className);
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    const vars = `layers/${seen === 0 ? base : `${base}_${seen}`}/vars`;
    plan.groups.push(vars);
    if (options.nameAttributes ?? true) plan.attrs.push({ path: vars, name: 'name', kind: 'str', value: spec.name });
    (weights.get(spec.name) ?? []).forEach((w, i) => plan.datasets.push({ path: `${vars}/${i}`, shape: w.shape, data: w.data }));
  }
  const h5 = await writePlan(plan, options.writer ?? 'h5wasm');
  const text = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  writeFileSync(file, zipSync({ 'metadata.json': text({ keras_version: '3.13.2' }), 'config.json': text(options.config ?? keras3FunctionalConfig()), 'model.weights.h5': h5 }));
}

/**
 * Writes `model` as a legacy Keras .h5 (model_config attribute + model_weights/<layer>/functional/<layer>/<weight>).
 * `keras2Attributes`: attributes as Keras 2 wrote them (model_config as bytes, name lists as
 * fixed-length byte strings); otherwise as Keras 3 does (str).
 */
export async function writeLegacyH5(model: tf.LayersModel, file: string, options: { writer?: Hdf5Writer; keras2Attributes?: boolean } = {}): Promise<void> {
  const weights = kerasWeights(model);
  const old = options.keras2Attributes ?? false;
  const plan: Hdf5Plan = { groups: ['model_weights'], attrs: [], datasets: [] };
  plan.attrs.push({ path: '', name: 'model_config', kind: old ? 'bytes' : 'str', value: JSON.stringify(keras3FunctionalConfig()) });
  plan.attrs.push({ path: '', name: 'keras_version', kind: old ? 'bytes' : 'str', value: old ? '2.15.0' : '3.13.2' });
  plan.attrs.push({ path: 'model_weights', name: 'layer_names', kind: old ? 'bytes_list' : 'str_list', value: SPECS.map((s) => s.name) });
  for (const spec of SPECS) {
    plan.groups.push(`model_weights/${spec.name}`);
    const arrays = weights.get(spec.name) ?? [];
    if (arrays.length === 0) continue;
    plan.attrs.push({ path: `model_weights/${spec.name}`, name: 'weight_names', kind: old ? 'bytes_list' : 'str_list', value: arrays.map((w) => `functional/${spec.name}/${w.name}`) });
    // Written in reverse so that only weight_names, not the file's link order, gives the order.
    for (const w of [...arrays].reverse()) plan.datasets.push({ path: `model_weights/${spec.name}/functional/${spec.name}/${w.name}`, shape: w.shape, data: w.data });
  }
  writeFileSync(file, await writePlan(plan, options.writer ?? 'h5wasm'));
}
