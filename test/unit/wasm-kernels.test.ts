/**
 * The wasm gradient kernels against the cpu backend (and, where cpu ignores dilations, against a
 * float64 loop): a table of shapes, strides, paddings and dilations per kernel; a training step of a
 * small conv net; tensor counts back at their baseline; and backend selection.
 *
 * Tolerance: max |wasm - reference| <= 1e-5 * max(1, max |reference|). The kernels sum the same
 * float32 products in another order (XNNPACK); measured worst: 2.4e-7 of the largest value.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend } from '../../src/engine/backend/select-backend';
import { wantedWasmThreads } from '../../src/engine/backend/wasm-threads';
import { registerWasmGradientKernels, WASM_GRADIENT_KERNELS } from '../../src/engine/backend/wasm-grad-kernels';
import { isVebiError } from '../../src/shared/errors';

const RTOL = 1e-5;

type Pair = [number, number];
type Shape4 = [number, number, number, number];
type Explicit = [[number, number], [number, number], [number, number], [number, number]];
type Pad = 'same' | 'valid' | Explicit;

/** Deterministic values in [-1, 1): every backend sees the same inputs. */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, absolute?: number): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const allowed = absolute ?? RTOL * scale;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= worst)) {
      worst = diff;
      at = i;
    }
  }
  assert.ok(worst <= allowed, `${what}: max diff ${worst} at ${at} (wasm ${actual[at]}, reference ${expected[at]}), allowed ${allowed}`);
}

interface Run {
  shape: number[];
  data: Float32Array;
}

/** Runs a kernel on one backend from plain arrays; checks it leaves no tensor behind. */
async function runOn(backend: 'cpu' | 'wasm', kernel: string, inputs: Record<string, Run>, attrs: tf.NamedAttrMap): Promise<Run> {
  await tf.setBackend(backend);
  const baseline = tf.memory().numTensors;
  const result = tf.tidy(() => {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, { shape, data }] of Object.entries(inputs)) tensors[name] = tf.tensor(data, shape);
    const out = tf.engine().runKernel(kernel, tensors, attrs) as tf.Tensor;
    return { shape: out.shape, data: out.dataSync() as Float32Array };
  });
  assert.equal(tf.memory().numTensors, baseline, `${kernel} on ${backend} left tensors behind`);
  return result;
}

/** float64 loops straight from the definition of a (depthwise) convolution, for any dilation. */
function naiveConvGrads(xShape: Shape4, x: Float32Array, wShape: Shape4, w: Float32Array, dy: Float32Array, strides: Pair, dilations: Pair, pad: Pad, depthwise: boolean) {
  const info = tf.backend_util.computeConv2DInfo(xShape, wShape, strides, dilations, pad, undefined, depthwise);
  const [batch, height, width, channels] = xShape;
  const [fh, fw, , fo] = wShape;
  const outChannels = depthwise ? channels * fo : fo;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < info.outHeight; i++)
      for (let j = 0; j < info.outWidth; j++)
        for (let p = 0; p < fh; p++)
          for (let q = 0; q < fw; q++) {
            const r = i * info.strideHeight + p * info.dilationHeight - info.padInfo.top;
            const s = j * info.strideWidth + q * info.dilationWidth - info.padInfo.left;
            if (r < 0 || r >= height || s < 0 || s >= width) continue;
            for (let c = 0; c < channels; c++)
              for (let k = 0; k < fo; k++) {
                const o = depthwise ? c * fo + k : k;
                const g = dy[((b * info.outHeight + i) * info.outWidth + j) * outChannels + o];
                const xi = ((b * height + r) * width + s) * channels + c;
                const wi = ((p * fw + q) * wShape[2] + c) * fo + k;
                dx[xi] += w[wi] * g;
                dw[wi] += x[xi] * g;
              }
          }
  return { dx, dw, outShape: [batch, info.outHeight, info.outWidth, outChannels] };
}

interface ConvCase {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: Pair;
  pad: Pad;
  dilations?: Pair;
  nchw?: boolean;
}

const CONV_CASES: ConvCase[] = [
  { name: '3x3 s1 same', x: [2, 7, 7, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { name: '3x3 s2 same, odd size', x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { name: '3x3 s2 valid, odd size', x: [2, 9, 7, 2], w: [3, 3, 2, 5], strides: [2, 2], pad: 'valid' },
  { name: '2x3 s(2,3) valid, unused rows', x: [2, 8, 10, 2], w: [2, 3, 2, 3], strides: [2, 3], pad: 'valid' },
  { name: '5x5 s3 same', x: [3, 11, 10, 4], w: [5, 5, 4, 3], strides: [3, 3], pad: 'same' },
  { name: '1x1 s2 valid', x: [2, 6, 5, 6], w: [1, 1, 6, 4], strides: [2, 2], pad: 'valid' },
  { name: '1x1 s1 same (a matrix product)', x: [3, 5, 7, 6], w: [1, 1, 6, 4], strides: [1, 1], pad: 'same' },
  { name: '1x1 s1 valid, NCHW', x: [2, 4, 5, 3], w: [1, 1, 3, 5], strides: [1, 1], pad: 'valid', nchw: true },
  { name: '3x3 s2 explicit pad', x: [1, 6, 7, 3], w: [3, 3, 3, 2], strides: [2, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { name: '3x3 s1 same, dilation 2', x: [2, 9, 8, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dilations: [2, 2] },
  { name: '3x3 s1 valid, dilation (2,3)', x: [1, 10, 11, 2], w: [3, 3, 2, 3], strides: [1, 1], pad: 'valid', dilations: [2, 3] },
  { name: '3x3 s2 same, NCHW', x: [2, 7, 7, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'same', nchw: true },
  // Out channels in eights: the filter gradient's SIMD cross product (27 patch rows padded to 28, 1,600 pixels = several blocks of 256).
  { name: '3x3 s1 same, 8 out channels', x: [4, 20, 20, 3], w: [3, 3, 3, 8], strides: [1, 1], pad: 'same' },
  { name: '3x3 s2 same, 16 out channels', x: [2, 21, 19, 4], w: [3, 3, 4, 16], strides: [2, 2], pad: 'same' },
];

const DEPTHWISE_CASES: ConvCase[] = [
  { name: '3x3 s1 same, multiplier 1', x: [2, 7, 7, 3], w: [3, 3, 3, 1], strides: [1, 1], pad: 'same' },
  { name: '3x3 s1 same, multiplier 2', x: [2, 7, 7, 3], w: [3, 3, 3, 2], strides: [1, 1], pad: 'same' },
  { name: '3x3 s2 same, odd size, multiplier 2', x: [2, 9, 7, 4], w: [3, 3, 4, 2], strides: [2, 2], pad: 'same' },
  { name: '3x3 s2 valid, odd size, multiplier 1', x: [3, 9, 9, 5], w: [3, 3, 5, 1], strides: [2, 2], pad: 'valid' },
  { name: '2x2 s(2,3) valid, unused rows, multiplier 3', x: [2, 7, 10, 2], w: [2, 2, 2, 3], strides: [2, 3], pad: 'valid' },
  { name: '5x5 s1 same, multiplier 2', x: [1, 8, 8, 3], w: [5, 5, 3, 2], strides: [1, 1], pad: 'same' },
  { name: '3x3 s2 explicit pad, multiplier 2', x: [2, 6, 7, 3], w: [3, 3, 3, 2], strides: [2, 2], pad: [[0, 0], [2, 1], [0, 1], [0, 0]] },
  { name: '3x3 s1 same, dilation 2, multiplier 2', x: [2, 9, 9, 3], w: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dilations: [2, 2] },
];

/** cpu ignores dilations in these gradient kernels (tfjs-core only calls them with dilation 1). */
const needsNaive = (c: ConvCase): boolean => (c.dilations ?? [1, 1]).some((d) => d !== 1);

function toNchw(shape: Shape4, data: Float32Array): Run {
  return tf.tidy(() => {
    const t = tf.transpose(tf.tensor4d(data, shape), [0, 3, 1, 2]);
    return { shape: t.shape, data: t.dataSync() as Float32Array };
  });
}

async function convCase(c: ConvCase, depthwise: boolean): Promise<void> {
  const dilations = c.dilations ?? [1, 1];
  const info = tf.backend_util.computeConv2DInfo(c.x, c.w, c.strides, dilations, c.pad, undefined, depthwise);
  const x = values(sizeOf(c.x), 1);
  const w = values(sizeOf(c.w), 2);
  const dy = values(sizeOf(info.outShape), 3);
  const inputName = depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput';
  const filterName = depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
  const common: tf.NamedAttrMap = { strides: c.strides, pad: c.pad, dilations, dataFormat: c.nchw ? 'NCHW' : 'NHWC' };
  let xRun: Run = { shape: c.x, data: x };
  let dyRun: Run = { shape: info.outShape, data: dy };
  let inputShape: number[] = c.x;
  if (c.nchw) {
    xRun = toNchw(c.x, x);
    dyRun = toNchw(info.outShape, dy);
    inputShape = xRun.shape;
  }
  const inputArgs = { dy: dyRun, filter: { shape: c.w, data: w } };
  const inputAttrs = { ...common, inputShape };
  const filterArgs = { x: xRun, dy: dyRun };
  const filterAttrs = { ...common, filterShape: c.w };

  const wasmDx = await runOn('wasm', inputName, inputArgs, inputAttrs);
  const wasmDw = await runOn('wasm', filterName, filterArgs, filterAttrs);
  assert.deepEqual(wasmDx.shape, inputShape);
  assert.deepEqual(wasmDw.shape, c.w);
  if (needsNaive(c)) {
    const naive = naiveConvGrads(c.x, x, c.w, w, dy, c.strides, dilations, c.pad, depthwise);
    assert.deepEqual(info.outShape, naive.outShape);
    assertClose(wasmDx.data, naive.dx, `${inputName} ${c.name}`);
    assertClose(wasmDw.data, naive.dw, `${filterName} ${c.name}`);
    return;
  }
  assertClose(wasmDx.data, (await runOn('cpu', inputName, inputArgs, inputAttrs)).data, `${inputName} ${c.name}`);
  assertClose(wasmDw.data, (await runOn('cpu', filterName, filterArgs, filterAttrs)).data, `${filterName} ${c.name}`);
}

interface PoolCase {
  name: string;
  x: Shape4;
  filterSize: Pair;
  strides: Pair;
  pad: 'same' | 'valid';
  relu?: boolean;
}

const POOL_CASES: PoolCase[] = [
  { name: '2x2 s2 valid after ReLU (tied zeros)', x: [2, 8, 8, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid', relu: true },
  { name: '2x2 s2 valid, negative windows', x: [2, 8, 6, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '2x2 s2 valid, odd size', x: [2, 7, 9, 2], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '2x2 s2 same, odd size', x: [2, 7, 7, 3], filterSize: [2, 2], strides: [2, 2], pad: 'same' },
  // Channels in fours take the SIMD kernel (simd/max-pool-grad.wat).
  { name: '2x2 s2 valid, 8 channels after ReLU (SIMD, tied zeros)', x: [2, 8, 6, 8], filterSize: [2, 2], strides: [2, 2], pad: 'valid', relu: true },
  { name: '2x2 s2 valid, 4 channels, negative windows, odd size (SIMD)', x: [3, 7, 9, 4], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '3x3 s2 same (overlapping, padded)', x: [2, 9, 8, 3], filterSize: [3, 3], strides: [2, 2], pad: 'same' },
  { name: '3x3 s2 valid after ReLU', x: [2, 9, 9, 4], filterSize: [3, 3], strides: [2, 2], pad: 'valid', relu: true },
  { name: '3x2 s(2,1) same', x: [1, 6, 5, 2], filterSize: [3, 2], strides: [2, 1], pad: 'same' },
  { name: '2x2 s1 same after ReLU', x: [2, 5, 5, 2], filterSize: [2, 2], strides: [1, 1], pad: 'same', relu: true },
];

async function poolCase(c: PoolCase): Promise<void> {
  const raw = values(sizeOf(c.x), 4);
  const x = c.relu ? raw.map((v) => Math.max(0, v)) : raw;
  const info = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
  const y = tf.tidy(() => tf.maxPool(tf.tensor4d(x, c.x), c.filterSize, c.strides, c.pad).dataSync() as Float32Array);
  const dy = values(sizeOf(info.outShape), 5);
  const args = { dy: { shape: info.outShape, data: dy }, input: { shape: c.x, data: x }, output: { shape: info.outShape, data: y } };
  const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
  const wasm = await runOn('wasm', 'MaxPoolGrad', args, attrs);
  const cpu = await runOn('cpu', 'MaxPoolGrad', args, attrs);
  assertClose(wasm.data, cpu.data, `MaxPoolGrad ${c.name}`);
}

interface MatMulCase {
  name: string;
  kernel: 'BatchMatMul' | '_FusedMatMul';
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const MATMUL_CASES: MatMulCase[] = [
  { name: 'a x b^T (a dense layer\'s input gradient)', kernel: 'BatchMatMul', a: [1, 5, 3], b: [1, 7, 3], transposeA: false, transposeB: true },
  { name: 'a^T x b (its weight gradient)', kernel: 'BatchMatMul', a: [1, 5, 7], b: [1, 5, 3], transposeA: true, transposeB: false },
  { name: 'a^T x b^T, batch 3', kernel: 'BatchMatMul', a: [3, 4, 6], b: [3, 5, 4], transposeA: true, transposeB: true },
  { name: 'plain, batch 2 (untouched path)', kernel: 'BatchMatMul', a: [2, 4, 6], b: [2, 6, 3], transposeA: false, transposeB: false },
  { name: 'a x b^T + bias, relu', kernel: '_FusedMatMul', a: [1, 6, 5], b: [1, 4, 5], transposeA: false, transposeB: true },
];

async function matMulCase(c: MatMulCase): Promise<void> {
  const inputs: Record<string, Run> = { a: { shape: c.a, data: values(sizeOf(c.a), 6) }, b: { shape: c.b, data: values(sizeOf(c.b), 7) } };
  const attrs: tf.NamedAttrMap = { transposeA: c.transposeA, transposeB: c.transposeB };
  if (c.kernel === '_FusedMatMul') {
    const units = c.transposeB ? c.b[1] : c.b[2];
    inputs.bias = { shape: [units], data: values(units, 8) };
    attrs.activation = 'relu';
  }
  const wasm = await runOn('wasm', c.kernel, inputs, attrs);
  const cpu = await runOn('cpu', c.kernel, inputs, attrs);
  assert.deepEqual(wasm.shape, cpu.shape);
  assertClose(wasm.data, cpu.data, `${c.kernel} ${c.name}`);
}

/** conv-relu-maxpool-conv-depthwise-dense, with odd sizes, a stride 2 and a channel multiplier. */
function smallNet(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [13, 13, 3], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 5 }));
  return model;
}

const LEARNING_RATE = 0.01;

interface StepResult {
  grads: Float32Array[];
  inputGrad: Float32Array;
  weightsAfter: Float32Array[];
  leaked: number;
}

async function trainingStep(backend: 'cpu' | 'wasm', initial: Run[], x: Float32Array, labels: number[]): Promise<StepResult> {
  await tf.setBackend(backend);
  const baseline = tf.memory().numTensors;
  const model = smallNet();
  const start = initial.map(({ shape, data }) => tf.tensor(data, shape));
  model.setWeights(start);
  // setWeights copies into the variables; the tensors it was given are ours to free.
  tf.dispose(start);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const result = tf.tidy(() => {
    const input = tf.tensor4d(x, [labels.length, 13, 13, 3]);
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
    const lossOf = () => tf.losses.softmaxCrossEntropy(onehot, model.apply(input, { training: true }) as tf.Tensor) as tf.Scalar;
    const { grads } = tf.variableGrads(lossOf, vars);
    const ordered = vars.map((v) => grads[v.name]);
    const inputGrad = tf.grad((i: tf.Tensor) => tf.sum(tf.slice(model.apply(i) as tf.Tensor2D, [0, 2], [-1, 1])))(input);
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: ordered[i] })));
    return {
      grads: ordered.map((g) => g.dataSync() as Float32Array),
      inputGrad: inputGrad.dataSync() as Float32Array,
      weightsAfter: vars.map((v) => v.dataSync() as Float32Array),
    };
  });
  optimizer.dispose();
  model.dispose();
  return { ...result, leaked: tf.memory().numTensors - baseline };
}

describe('wasm gradient kernels', () => {
  before(async () => {
    // IS_TEST makes the engine check every kernel (ours and the ones they call) for leaked data ids,
    // and mutes tfjs's console hints.
    tf.env().set('IS_TEST', true);
    assert.equal(await selectBackend('auto'), 'wasm');
  });

  after(async () => {
    await tf.setBackend('wasm');
  });

  it('registers the missing and replaced kernels once', () => {
    for (const name of WASM_GRADIENT_KERNELS) assert.ok(tf.getKernel(name, 'wasm'), `${name} is registered on wasm`);
    assert.deepEqual(registerWasmGradientKernels(), []);
  });

  for (const c of CONV_CASES) {
    it(`Conv2DBackpropInput / Conv2DBackpropFilter: ${c.name}`, () => convCase(c, false));
  }
  for (const c of DEPTHWISE_CASES) {
    it(`DepthwiseConv2dNativeBackpropInput / Filter: ${c.name}`, () => convCase(c, true));
  }
  for (const c of POOL_CASES) {
    it(`MaxPoolGrad: ${c.name}`, () => poolCase(c));
  }

  for (const c of MATMUL_CASES) {
    it(`${c.kernel}: ${c.name}`, () => matMulCase(c));
  }

  it('Sum over the leading axes (a bias gradient), with and without keepDims, and other axes', async () => {
    // 6 channels: the JavaScript loop; 8 and 16: the SIMD blocks of 128 rows (280 rows: a partial last block).
    for (const shape of [[3, 5, 4, 6], [2, 7, 20, 8], [4, 33, 17, 16]]) {
      const x = { shape, data: values(shape.reduce((a, b) => a * b, 1), 10) };
      for (const attrs of [{ axis: [0, 1, 2], keepDims: false }, { axis: [2, 0, 1], keepDims: true }, { axis: [-4, -3, -2], keepDims: false }, { axis: [0, 1], keepDims: false }, { axis: 3, keepDims: false }]) {
        const wasm = await runOn('wasm', 'Sum', { x }, attrs);
        const cpu = await runOn('cpu', 'Sum', { x }, attrs);
        assert.deepEqual(wasm.shape, cpu.shape, JSON.stringify(attrs));
        assertClose(wasm.data, cpu.data, `Sum ${shape.join('x')} ${JSON.stringify(attrs)}`);
      }
    }
  });

  it('ReLU6 gradient: dy where 0 < x <= 6 (the boundaries included as tfjs has them), on wasm in one SIMD pass', async () => {
    // 1,003 values: the SIMD loop plus a scalar tail; exact boundaries and both sides of them.
    const n = 1003;
    const x = values(n, 21).map((v, i) => [0, 6, -0, 6.000001, 5.999999, -1e-7][i % 11] ?? v * 9 - 1.5);
    const dy = values(n, 22).map((v) => v * 2 - 1);
    const grads: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      const baseline = tf.memory().numTensors;
      grads.push(tf.tidy(() => tf.grad((z: tf.Tensor) => tf.relu6(z))(tf.tensor1d(x), tf.tensor1d(dy)).dataSync() as Float32Array));
      assert.equal(tf.memory().numTensors, baseline, `${backend} left tensors behind`);
    }
    const [cpu, wasm] = grads;
    for (let i = 0; i < n; i++) {
      const expected = x[i] > 0 && x[i] <= 6 ? dy[i] : 0;
      // === so that -0 (tfjs's dy * 0) equals 0 (the mask's)
      assert.ok(wasm[i] === expected, `x = ${x[i]}: ${wasm[i]} vs ${expected}`);
      assert.ok(cpu[i] === expected, `cpu, x = ${x[i]}: ${cpu[i]} vs ${expected}`);
    }
  });

  it('LessEqual against a scalar (the ReLU6 gradient) and against a tensor', async () => {
    const a = { shape: [2, 5, 3], data: values(30, 9).map((v) => v * 8) };
    a.data[0] = 6; // the boundary itself
    for (const b of [{ shape: [], data: Float32Array.of(6) }, { shape: [1, 1, 1], data: Float32Array.of(0.5) }, { shape: [3], data: Float32Array.of(-1, 0, 1) }]) {
      const wasm = await runOn('wasm', 'LessEqual', { a, b }, {});
      const cpu = await runOn('cpu', 'LessEqual', { a, b }, {});
      assert.deepEqual([...wasm.data], [...cpu.data], `b of shape [${b.shape.join(', ')}]`);
    }
  });

  it('a training step of conv-relu-maxpool-conv-depthwise-dense matches cpu', async () => {
    await tf.setBackend('cpu');
    const source = smallNet();
    const initial = source.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array }));
    source.dispose();
    const labels = [0, 1, 2, 3, 4, 1];
    const x = values(labels.length * 13 * 13 * 3, 6);
    // tfjs's own softmaxCrossEntropy (a customGrad) trips the engine's leak check: count tensors instead.
    tf.env().set('IS_TEST', false);
    let cpu: StepResult;
    let wasm: StepResult;
    try {
      cpu = await trainingStep('cpu', initial, x, labels);
      wasm = await trainingStep('wasm', initial, x, labels);
    } finally {
      tf.env().set('IS_TEST', true);
    }
    assert.equal(cpu.leaked, 0, 'cpu step leaves no tensor behind');
    assert.equal(wasm.leaked, 0, 'wasm step leaves no tensor behind');
    assert.equal(wasm.grads.length, 8);
    wasm.grads.forEach((g, i) => assertClose(g, cpu.grads[i], `gradient of weight ${i}`));
    assertClose(wasm.inputGrad, cpu.inputGrad, 'input gradient');
    // Adam moves a weight by lr * g / (|g| + 1e-7): for a gradient entry near zero that ratio magnifies
    // float rounding, so the updated weights agree to 1% of one step rather than to RTOL.
    wasm.weightsAfter.forEach((w, i) => assertClose(w, cpu.weightsAfter[i], `weight ${i} after one Adam step`, 0.01 * LEARNING_RATE));
  });
});

describe('selectBackend', () => {
  it("'auto' picks wasm here (no tfjs-node), with SIMD and without threads", async () => {
    assert.equal(await selectBackend('auto'), 'wasm');
    assert.equal(await selectBackend('auto'), 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(describeBackend(), { name: 'wasm', simd: true, threads: wantedWasmThreads() });
  });

  it("'tensorflow' throws BACKEND_UNAVAILABLE saying why and what to do", async () => {
    await assert.rejects(selectBackend('tensorflow'), (error: unknown) => {
      assert.ok(isVebiError(error));
      assert.equal(error.code, 'BACKEND_UNAVAILABLE');
      assert.match(error.message, /@tensorflow\/tfjs-node/);
      assert.match(error.message, /npm install @tensorflow\/tfjs-node@4\.22\.0/);
      assert.match(error.message, /"wasm"/);
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm', 'a failed choice leaves the current backend alone');
  });

  it("'cpu' and 'wasm' force that backend", async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    assert.equal(describeBackend().name, 'cpu');
    assert.equal(await selectBackend('wasm'), 'wasm');
  });
});
