/**
 * Tiny classifiers with deterministic weights for tests (no downloads, no training). Every layer
 * has an explicit name so tests can refer to it. Weights come from a seeded PRNG, so a builder
 * called twice with the same seed gives the same model on every backend.
 *
 *   buildLeNet      Sequential  16x16x1 -> 3 classes: separate ReLU, fused ReLU, max pooling,
 *                   a stride-2 conv, Flatten, Dropout, Dense relu, Dense softmax.
 *   buildBranchy    Functional  12x12x3 -> 4 classes: ZeroPadding2D, BatchNormalization,
 *                   Activation('relu'), Add, Concatenate, stride-2 conv, GlobalAveragePooling2D,
 *                   Dense (linear) + separate Softmax layer.
 *   buildMobileLike Sequential  12x12x3 -> 3 classes: DepthwiseConv2D (stride 2, relu6,
 *                   multiplier 2), SeparableConv2D, dilated Conv2D, GlobalMaxPooling2D, Dense softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../src/engine/model/safe-io-handler';
import { seededRandom } from './seeded-random';

export type TinyModelBuilder = (seed?: number) => tf.LayersModel;


/** Replaces every weight with seeded values of a sensible scale (BatchNorm variances stay positive). */
export function seedWeights(model: tf.LayersModel, seed: number): void {
  const rand = seededRandom(seed);
  const uniform = (n: number, lo: number, hi: number): Float32Array => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  tf.tidy(() => {
    const values = model.weights.map((w) => {
      const shape = w.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      const name = w.originalName;
      let data: Float32Array;
      if (/moving_variance|gamma/.test(name)) data = uniform(n, 0.5, 1.5);
      else if (/moving_mean|beta/.test(name)) data = uniform(n, -0.2, 0.2);
      else if (/bias/.test(name)) data = uniform(n, -0.1, 0.1);
      else {
        const fanIn = /depthwise_kernel/.test(name) ? shape[0] * shape[1] : n / shape[shape.length - 1];
        const limit = Math.sqrt(3 / fanIn);
        data = uniform(n, -limit, limit);
      }
      return tf.tensor(data, shape);
    });
    model.setWeights(values);
  });
}

export function buildLeNet(seed = 1): tf.LayersModel {
  const model = tf.sequential({ name: 'tiny_lenet' });
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [16, 16, 1], filters: 4, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 6, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv3', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dropout({ name: 'drop', rate: 0.5 }));
  model.add(tf.layers.dense({ name: 'fc1', units: 16, activation: 'relu' }));
  model.add(tf.layers.dense({ name: 'fc2', units: 3, activation: 'softmax' }));
  seedWeights(model, seed);
  return model;
}

export function buildBranchy(seed = 1): tf.LayersModel {
  const image = tf.input({ name: 'image', shape: [12, 12, 3] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  const pad = apply(tf.layers.zeroPadding2d({ name: 'pad', padding: 1 }), image);
  const c1 = apply(tf.layers.conv2d({ name: 'c1', filters: 8, kernelSize: 3 }), pad);
  const bn1 = apply(tf.layers.batchNormalization({ name: 'bn1' }), c1);
  const a1 = apply(tf.layers.activation({ name: 'a1', activation: 'relu' }), bn1);
  const c2a = apply(tf.layers.conv2d({ name: 'c2a', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }), a1);
  const add = apply(tf.layers.add({ name: 'add' }), [a1, c2a]);
  const c2b = apply(tf.layers.conv2d({ name: 'c2b', filters: 4, kernelSize: 1 }), a1);
  const cat = apply(tf.layers.concatenate({ name: 'cat' }), [add, c2b]);
  const c3 = apply(tf.layers.conv2d({ name: 'c3', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), cat);
  const gap = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), c3);
  const logits = apply(tf.layers.dense({ name: 'logits', units: 4 }), gap);
  const probs = apply(tf.layers.softmax({ name: 'probs' }), logits);
  const model = tf.model({ name: 'tiny_branchy', inputs: image, outputs: probs });
  seedWeights(model, seed);
  return model;
}

export function buildMobileLike(seed = 1): tf.LayersModel {
  const model = tf.sequential({ name: 'tiny_mobile' });
  model.add(tf.layers.depthwiseConv2d({ name: 'dw1', inputShape: [12, 12, 3], kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'relu6' }));
  model.add(tf.layers.separableConv2d({ name: 'sep1', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.conv2d({ name: 'dil', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.globalMaxPooling2d({ name: 'gmp' }));
  model.add(tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }));
  seedWeights(model, seed);
  return model;
}

/** Builds a tiny model, saves it as model.json + shard under `dir`, disposes it; returns the model.json path. */
export async function writeTinyModel(dir: string, builder: TinyModelBuilder = buildLeNet, seed = 1): Promise<string> {
  const model = builder(seed);
  try {
    return await saveLayersModel(model, dir);
  } finally {
    model.dispose();
  }
}

/** A deterministic batch of images [n, ...shape] with values in [0, 1). */
export function randomImages(n: number, shape: [number, number, number], seed = 7): tf.Tensor4D {
  const rand = seededRandom(seed);
  const size = n * shape[0] * shape[1] * shape[2];
  return tf.tensor4d(Float32Array.from({ length: size }, rand), [n, ...shape]);
}

/**
 * Writes a tiny TF.js *graph* model (a hand-written GraphDef, as tensorflowjs_converter emits):
 * image [10, 10, 2] -> Conv2D 3x3 + BiasAdd + Relu -> MaxPool 2x2/2 -> _FusedConv2D 3x3/2 'SAME'
 * (BiasAdd + Relu fused) -> Reshape -> MatMul + BiasAdd (3 classes) -> Softmax. Returns model.json's path.
 */
export async function writeTinyGraphModel(dir: string, seed = 1): Promise<string> {
  const { promises: fs } = await import('node:fs');
  const path = await import('node:path');
  const rand = seededRandom(seed);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
  const weights: { name: string; shape: number[]; dtype: 'float32' | 'int32'; data: number[] }[] = [];
  const constant = (name: string, shape: number[], dtype: 'float32' | 'int32' = 'float32', data?: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(3 / Math.max(1, n / shape[shape.length - 1]));
    weights.push({ name, shape, dtype, data: data ?? Array.from({ length: n }, () => (2 * rand() - 1) * (shape.length === 1 ? 0.1 : limit)) });
    const dim = shape.map((s) => ({ size: String(s) }));
    const type = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    return { name, op: 'Const', attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: { dim } } } } };
  };
  const conv = { data_format: { s: b64('NHWC') }, dilations: ints(1, 1, 1, 1), T: { type: 'DT_FLOAT' } };
  const nodes = [
    { name: 'image', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [-1, 10, 10, 2].map((s) => ({ size: String(s) })) } } } },
    constant('conv1/kernel', [3, 3, 2, 4]),
    constant('conv1/bias', [4]),
    { name: 'conv1/Conv2D', op: 'Conv2D', input: ['image', 'conv1/kernel'], attr: { ...conv, strides: ints(1, 1, 1, 1), padding: { s: b64('SAME') } } },
    { name: 'conv1/BiasAdd', op: 'BiasAdd', input: ['conv1/Conv2D', 'conv1/bias'], attr: { T: { type: 'DT_FLOAT' }, data_format: { s: b64('NHWC') } } },
    { name: 'conv1/Relu', op: 'Relu', input: ['conv1/BiasAdd'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'pool1', op: 'MaxPool', input: ['conv1/Relu'], attr: { ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1), padding: { s: b64('VALID') }, data_format: { s: b64('NHWC') }, T: { type: 'DT_FLOAT' } } },
    constant('conv2/kernel', [3, 3, 4, 6]),
    constant('conv2/bias', [6]),
    {
      name: 'conv2/Relu',
      op: '_FusedConv2D',
      input: ['pool1', 'conv2/kernel', 'conv2/bias'],
      attr: { ...conv, strides: ints(1, 2, 2, 1), padding: { s: b64('SAME') }, num_args: { i: '1' }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } }, epsilon: { f: 0 } },
    },
    constant('flat/shape', [2], 'int32', [-1, 54]),
    { name: 'flat', op: 'Reshape', input: ['conv2/Relu', 'flat/shape'], attr: { T: { type: 'DT_FLOAT' }, Tshape: { type: 'DT_INT32' } } },
    constant('dense/kernel', [54, 3]),
    constant('dense/bias', [3]),
    { name: 'dense/MatMul', op: 'MatMul', input: ['flat', 'dense/kernel'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul', 'dense/bias'], attr: { T: { type: 'DT_FLOAT' }, data_format: { s: b64('NHWC') } } },
    { name: 'probs', op: 'Softmax', input: ['dense/BiasAdd'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const bytes = Buffer.concat(weights.map((w) => Buffer.from((w.dtype === 'float32' ? Float32Array.from(w.data) : Int32Array.from(w.data)).buffer)));
  const json = {
    format: 'graph-model',
    generatedBy: 'vebi tiny-models',
    convertedBy: 'hand',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), bytes);
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
  return path.join(dir, 'model.json');
}

/**
 * Hand-set weights of buildHandCam, in the layouts tfjs takes: image [h][w] (one channel), conv
 * kernel [kh][kw][filter] (one input channel), dense [in][out]. Flatten order is (h, w, channel).
 * For the image below two conv units and one hidden unit are dead, class 1 is predicted, and the
 * weights read from the dead conv units (rows 2 and 5 of `hidden`) make both classes' Grad-CAM
 * channel weights of mixed sign.
 */
export const HAND_CAM = {
  image: [
    [0.2, -0.5, 0.9],
    [0.7, 0.1, -0.3],
    [-0.6, 0.8, 0.4],
  ],
  conv: [
    [[0.5, -0.7], [-0.4, 0.2]],
    [[0.3, 0.9], [0.6, -0.1]],
  ],
  convBias: [0.05, -0.1],
  hidden: [
    [0.4, -0.3, 0.2],
    [-0.5, 0.6, 0.1],
    [1.0, 0.2, -0.2],
    [0.7, -0.1, 0.5],
    [-0.2, 0.4, 0.3],
    [-0.5, -0.5, 0.5],
    [0.1, 0.3, 0.6],
    [-0.4, 0.2, -0.3],
  ],
  hiddenBias: [0, -0.6, 0.1],
  out: [
    [0.8, -0.6],
    [0.5, 0.9],
    [-0.7, 0.4],
  ],
  outBias: [0.1, -0.1],
};

/** 3x3x1 -> conv 'cam_conv' (2x2, 2 filters, relu) -> flatten -> dense 'hidden' (3, relu) -> dense 'out' (2, softmax). */
export function buildHandCam(): tf.LayersModel {
  const model = tf.sequential({ name: 'hand_cam' });
  model.add(tf.layers.conv2d({ name: 'cam_conv', inputShape: [3, 3, 1], filters: 2, kernelSize: 2, activation: 'relu' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ name: 'hidden', units: 3, activation: 'relu' }));
  model.add(tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' }));
  tf.tidy(() => {
    model.getLayer('cam_conv').setWeights([tf.tensor4d(HAND_CAM.conv.map((row) => row.map((k) => [k]))), tf.tensor1d(HAND_CAM.convBias)]);
    model.getLayer('hidden').setWeights([tf.tensor2d(HAND_CAM.hidden), tf.tensor1d(HAND_CAM.hiddenBias)]);
    model.getLayer('out').setWeights([tf.tensor2d(HAND_CAM.out), tf.tensor1d(HAND_CAM.outBias)]);
  });
  return model;
}
