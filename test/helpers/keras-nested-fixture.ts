/**
 * A Keras model with models nested inside it, as transfer learning makes them: a Functional "base"
 * (which itself holds a Sequential "block") used as a layer of the outer model, written as Keras 3
 * .keras (layers/<model key>/layers/<key>/vars) and as legacy .h5 (one group per top-level layer; a
 * nested model's group holds all its weights, Keras 2 listing trainable weights first). The outer
 * model is Functional or Sequential. In .keras files the inner Sequential's first conv is "conv1", like
 * the base's, so the flattened model calls it "block_conv1"; Keras 2 cannot save such a clash to .h5
 * (two datasets "conv1/kernel:0" in one group), so there it is "conv1b". A flat TF.js twin gives the
 * expected outputs.
 *
 *   input (8x8x3) -> base[ conv1 (relu) -> bn -> pool -> block[ conv1 (relu) -> conv2 ] ] -> gap -> out (3, softmax)
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { writePlan, type Hdf5Plan, type Hdf5Writer } from './keras-fixture';
import { seedWeights } from './tiny-models';

type Json = Record<string, unknown>;

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

function tensor(layer: string): Json {
  return { class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [layer, 0, 0] } };
}

function layer(className: string, name: string, config: Json, input?: string): Json {
  const entry: Json = { module: 'keras.layers', class_name: className, config: { name, trainable: true, dtype: POLICY, ...config }, registered_name: null, name };
  if (input !== undefined) entry.inbound_nodes = [{ args: [tensor(input)], kwargs: {} }];
  return entry;
}

function inputLayer(name: string, shape: number[]): Json {
  return { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name }, registered_name: null, name, inbound_nodes: [] };
}

const conv = (filters: number, activation: string): Json => ({ filters, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation, use_bias: true });

/** The inner Sequential's first conv: named like the base's first conv, or not. */
const blockConvName = (clash: boolean): string => (clash ? 'conv1' : 'conv1b');

function blockConfig(clash: boolean): Json {
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'block', trainable: true, dtype: POLICY, layers: [inputLayer('block_input_layer', [4, 4, 4]), layer('Conv2D', blockConvName(clash), conv(6, 'relu')), layer('Conv2D', 'conv2', conv(5, 'linear'))] },
    registered_name: null,
    name: 'block',
  };
}

function baseConfig(clash: boolean, input?: string): Json {
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'base',
      trainable: true,
      layers: [
        inputLayer('base_input', [8, 8, 3]),
        layer('Conv2D', 'conv1', conv(4, 'relu'), 'base_input'),
        layer('BatchNormalization', 'bn', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, 'conv1'),
        layer('MaxPooling2D', 'pool', { pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' }, 'bn'),
        { ...blockConfig(clash), inbound_nodes: [{ args: [tensor('pool')], kwargs: { training: false } }] },
      ],
      input_layers: [['base_input', 0, 0]],
      output_layers: [['block', 0, 0]],
    },
    registered_name: 'Functional',
    name: 'base',
    ...(input ? { inbound_nodes: [{ args: [tensor(input)], kwargs: { training: false } }] } : {}),
  };
}

const HEAD = { gap: { data_format: 'channels_last', keepdims: false }, out: { units: 3, activation: 'softmax', use_bias: true } };

/** The outer model's Keras 3 config: Functional (input -> base -> gap -> out) or Sequential([base, gap, out]). */
export function nestedConfig(outer: 'functional' | 'sequential', clash = true): Json {
  if (outer === 'sequential') {
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 'classifier', trainable: true, dtype: POLICY, layers: [inputLayer('input_layer', [8, 8, 3]), baseConfig(clash), layer('GlobalAveragePooling2D', 'gap', HEAD.gap), layer('Dense', 'out', HEAD.out)] },
      registered_name: null,
    };
  }
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'classifier',
      trainable: true,
      layers: [inputLayer('input_layer', [8, 8, 3]), baseConfig(clash, 'input_layer'), layer('GlobalAveragePooling2D', 'gap', HEAD.gap, 'base'), layer('Dense', 'out', HEAD.out, 'gap')],
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['out', 0, 0]],
    },
    registered_name: 'Functional',
  };
}

/** The flat TF.js twin, weights seeded. */
export function nestedReference(seed = 11): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'input_layer' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block_conv1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', name: 'conv2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'classifier' });
  seedWeights(model, seed);
  return model;
}

interface Stored {
  /** Layer name in the file, its .keras key path under layers/, the legacy group holding it. */
  fileName: string;
  keras3Path: string;
  legacyGroup: string;
  twin: string;
}

const STORED: Stored[] = [
  { fileName: 'conv1', keras3Path: 'functional/layers/conv2d', legacyGroup: 'base', twin: 'conv1' },
  { fileName: 'bn', keras3Path: 'functional/layers/batch_normalization', legacyGroup: 'base', twin: 'bn' },
  { fileName: 'conv1b', keras3Path: 'functional/layers/sequential/layers/conv2d', legacyGroup: 'base', twin: 'block_conv1' },
  { fileName: 'conv2', keras3Path: 'functional/layers/sequential/layers/conv2d_1', legacyGroup: 'base', twin: 'conv2' },
  { fileName: 'out', keras3Path: 'dense', legacyGroup: 'out', twin: 'out' },
];

function arrays(model: tf.LayersModel, twin: string): { name: string; shape: number[]; data: Float32Array; trainable: boolean }[] {
  return model.getLayer(twin).weights.map((w) => ({ name: w.originalName.split('/').pop() ?? w.name, shape: w.shape as number[], data: w.read().dataSync() as Float32Array, trainable: w.trainable }));
}

export async function writeNestedKeras(model: tf.LayersModel, file: string, outer: 'functional' | 'sequential', writer: Hdf5Writer = 'h5wasm'): Promise<void> {
  const plan: Hdf5Plan = { groups: ['layers/functional/vars', 'layers/functional/layers/sequential/vars'], attrs: [], datasets: [] };
  for (const s of STORED) {
    const vars = `layers/${s.keras3Path}/vars`;
    plan.groups.push(vars);
    plan.attrs.push({ path: vars, name: 'name', kind: 'str', value: s.twin === 'block_conv1' ? blockConvName(true) : s.fileName });
    arrays(model, s.twin).forEach((w, i) => plan.datasets.push({ path: `${vars}/${i}`, shape: w.shape, data: w.data }));
  }
  const text = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  writeFileSync(file, zipSync({ 'metadata.json': text({ keras_version: '3.13.2' }), 'config.json': text(nestedConfig(outer)), 'model.weights.h5': await writePlan(plan, writer) }));
}

/** Legacy .h5 as Keras 2 writes it: the nested model's group lists trainable weights, then non-trainable ones. */
export async function writeNestedH5(model: tf.LayersModel, file: string, outer: 'functional' | 'sequential', writer: Hdf5Writer = 'h5wasm'): Promise<void> {
  const topLayers = outer === 'functional' ? ['input_layer', 'base', 'gap', 'out'] : ['base', 'gap', 'out'];
  const plan: Hdf5Plan = { groups: ['model_weights'], attrs: [], datasets: [] };
  plan.attrs.push({ path: '', name: 'model_config', kind: 'bytes', value: JSON.stringify(nestedConfig(outer, false)) });
  plan.attrs.push({ path: '', name: 'keras_version', kind: 'bytes', value: '2.15.0' });
  plan.attrs.push({ path: 'model_weights', name: 'layer_names', kind: 'bytes_list', value: topLayers });
  for (const group of topLayers) {
    plan.groups.push(`model_weights/${group}`);
    const stored = STORED.filter((s) => s.legacyGroup === group).flatMap((s) => arrays(model, s.twin).map((w) => ({ ...w, path: `${s.fileName}/${w.name}:0` })));
    if (stored.length === 0) continue;
    const ordered = [...stored.filter((w) => w.trainable), ...stored.filter((w) => !w.trainable)];
    plan.attrs.push({ path: `model_weights/${group}`, name: 'weight_names', kind: 'bytes_list', value: ordered.map((w) => w.path) });
    for (const w of ordered) plan.datasets.push({ path: `model_weights/${group}/${w.path}`, shape: w.shape, data: w.data });
  }
  writeFileSync(file, await writePlan(plan, writer));
}
