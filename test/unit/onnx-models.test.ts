/**
 * ONNX models exported by PyTorch (torch.onnx.export, opsets 9 to 17, with and without constant
 * folding) load through loadModel as NHWC layers models that compute PyTorch's own logits,
 * gradients at the input and at an inner layer (torch.autograd) and guided backpropagation, with
 * readable layer names and no tensor left behind. Models VEBI cannot convert are refused naming
 * the node, before anything runs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/engine/model';
import type { VebiModel } from '../../src/engine/model';
import { useBackend } from '../helpers/backend';
import { makeOnnxFixtures, onnxFixturesSkip, readReference } from '../helpers/onnx-fixtures';
import { rejectsWith } from '../helpers/rejects-with';

const skip = onnxFixturesSkip();
const ALL = ['opset11-folded', 'opset11-unfolded', 'opset13-folded', 'opset13-unfolded'];
/** Every architecture with seeded random weights at 64x64 (small_cnn 32x32), 10 classes; a readable feature layer of each. */
const ARCHITECTURES = [
  // Also with a fixed batch of 1: the folded flatten is then Reshape(x, [1, 1024]).
  { name: 'small_cnn', layer: 'conv2', inner: 'conv2', settings: [...ALL, 'opset13-folded-static', 'opset11-unfolded-static', 'opset9-unfolded', 'opset17-unfolded'] },
  { name: 'resnet18', layer: 'layer1.0.conv1', inner: 'layer2.1.relu_1', settings: ALL },
  // Sub/Div/Mul by numbers, LeakyRelu, x * sigmoid(x), a dilated conv, Pad + AveragePool, Concat of
  // maps and of vectors, MaxPool over the whole map, ReduceMean, MatMul + Add.
  { name: 'ops_cnn', layer: 'conv2', settings: ['opset11-folded', 'opset13-unfolded'] },
  // tf2onnx's pattern: NHWC input, Transposes, Flatten in channels-last order.
  { name: 'channels_last_cnn', layer: 'conv1', settings: ['opset13-unfolded', 'opset11-folded'] },
  // Ends in a Softmax: dropped, the class scores are the logits before it.
  { name: 'small_cnn_softmax', layer: 'inner.conv2', settings: ['opset13-unfolded'] },
  // Clip's bounds are attributes before opset 11, inputs from it.
  { name: 'mobilenet_v2', layer: 'features.1.conv.0.0', inner: 'features.3', settings: ['opset10-unfolded', 'opset13-folded'] },
  // HardSigmoid at opset 13, HardSwish from opset 14.
  { name: 'mobilenet_v3_small', layer: 'features.1.block.1.fc1', settings: ['opset13-folded', 'opset14-unfolded'] },
  { name: 'efficientnet_b0', layer: 'features.1.0.block.1.fc1', settings: ['opset13-unfolded'] },
  // ceil_mode max pooling.
  { name: 'squeezenet1_0', layer: 'features.3.expand3x3', settings: ['opset11-folded'] },
  // Concat of feature maps, BatchNormalization before ReLU, Pad.
  { name: 'densenet121', layer: 'features.denseblock1.denselayer1.conv1', inner: 'features.transition1.pool', settings: ['opset13-folded'] },
  // Grouped convolutions (group width 16).
  { name: 'regnet_x_400mf', layer: 'trunk_output.block1.block1-0.f.b.0', settings: ['opset13-folded'] },
];
let dir = '';

test.before(async () => {
  await useBackend('wasm');
  if (!skip) dir = makeOnnxFixtures([...ARCHITECTURES.map((a) => `${a.name}:${a.settings.join(',')}`), 'bad']);
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** PyTorch's NCHW values as the engine's NHWC tensor. */
function nhwc(values: number[], [n, c, h, w]: number[]): tf.Tensor4D {
  return tf.tidy(() => tf.tensor4d(values, [n, c, h, w]).transpose<tf.Tensor4D>([0, 2, 3, 1]));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function range(values: number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** The gradient of logit k of the first image at the input (or at `layer`'s output), NCHW like PyTorch's unless `channelsLast`. */
function scoreGradient(model: VebiModel, x: tf.Tensor4D, k: number, rule: 'gradient' | 'guided', channelsLast: boolean, layer?: string): Float32Array {
  return tf.tidy(() => {
    const seed = tf.oneHot([k], model.numClasses).toFloat() as tf.Tensor2D;
    const { activation, gradient } = model.scoreGradient(x.slice([0, 0, 0, 0], [1, -1, -1, -1]), seed, { rule, stridedFix: false, layer });
    activation.dispose();
    return (gradient.rank === 4 && !channelsLast ? gradient.transpose([0, 3, 1, 2]) : gradient).dataSync() as Float32Array;
  });
}

for (const { name, layer, inner, settings } of ARCHITECTURES) {
  for (const setting of settings) {
    test(`${name} (${setting}): logits, gradients and guided backprop equal PyTorch's`, { skip }, async (t) => {
      const file = path.join(dir, `${name}-${setting}.onnx`);
      const ref = readReference(file);
      const baseline = tf.memory().numTensors;
      const started = performance.now();
      const model = await loadModel(file);
      const loadMs = performance.now() - started;
      try {
        const [, c, h, w] = ref.channelsLast ? [ref.input[0], ref.input[3], ref.input[1], ref.input[2]] : ref.input;
        assert.equal(model.format, 'onnx');
        assert.deepEqual(model.inputShape, [h, w, c]);
        assert.equal(model.numClasses, ref.logits[0].length);
        assert.ok(model.featureLayers.includes(layer), `a readable feature layer "${layer}" among ${model.featureLayers.join(', ')}`);
        const x = ref.channelsLast ? tf.tensor4d(ref.inputs, ref.input) : nhwc(ref.inputs, ref.input);
        const { outputs, logits, probs } = model.forward(x, []);
        const ours = logits.dataSync();
        tf.dispose([...outputs, logits, probs]);
        const expected = ref.logits.flat();
        const diff = maxAbsDiff(ours, expected);
        assert.ok(diff < 1e-4 * range(expected), `max |logit diff| ${diff} vs range ${range(expected)}`);
        const notes = [`load ${loadMs.toFixed(0)} ms`, `max |logit diff| ${diff.toExponential(2)} (range ${range(expected).toFixed(3)})`];
        for (const rule of ['gradient', 'guided'] as const) {
          const theirs = rule === 'gradient' ? ref.gradient : ref.guided;
          const gradDiff = maxAbsDiff(scoreGradient(model, x, ref.gradientClass, rule, ref.channelsLast), theirs);
          assert.ok(gradDiff < 1e-4 * range(theirs), `${rule}: max |diff| ${gradDiff} vs range ${range(theirs)}`);
          notes.push(`${rule} at the input: max |diff| ${gradDiff.toExponential(2)} (range ${range(theirs).toExponential(2)})`);
        }
        if (inner) {
          const theirs = ref.innerGradient ?? [];
          const ours = scoreGradient(model, x, ref.gradientClass, 'gradient', false, inner);
          assert.equal(ours.length, theirs.length, `the gradient at ${inner} has the size of PyTorch's at ${ref.inner}`);
          const innerDiff = maxAbsDiff(ours, theirs);
          assert.ok(innerDiff < 1e-4 * range(theirs), `gradient at ${inner}: max |diff| ${innerDiff} vs range ${range(theirs)}`);
          notes.push(`gradient at ${inner} (PyTorch ${ref.inner}): max |diff| ${innerDiff.toExponential(2)} (range ${range(theirs).toExponential(2)})`);
        }
        x.dispose();
        t.diagnostic(notes.join('; '));
      } finally {
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, baseline, 'every tensor of the model is released on dispose');
    });
  }
}

test('a truncated .onnx file and random bytes are refused as corrupt, naming the file', { skip }, async () => {
  const whole = readFileSync(path.join(dir, 'small_cnn-opset13-folded.onnx'));
  const truncated = path.join(dir, 'truncated.onnx');
  writeFileSync(truncated, whole.subarray(0, whole.length - 1000));
  await rejectsWith(() => loadModel(truncated), 'MODEL_CORRUPT', truncated, { messageNamesPath: true });
  const random = path.join(dir, 'random.onnx');
  writeFileSync(random, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 251)));
  await rejectsWith(() => loadModel(random), 'MODEL_CORRUPT', random, { messageNamesPath: true });
});

test('models VEBI does not convert are refused saying where and why, nothing run', { skip }, async () => {
  const cases = [
    { file: 'bad-foo-op.onnx', node: '"my_foo" (Foo)' },
    { file: 'refused-resize.onnx', node: '"/Resize" (Resize)' },
    { file: 'refused-pool-padding.onnx', node: '"/pool/MaxPool" (MaxPool)', why: /can be negative/ },
    { file: 'refused-two-inputs.onnx', node: 'has 2 inputs', why: /one image input/ },
    { file: 'refused-exclusive-average.onnx', node: '"/pool/AveragePool" (AveragePool)', why: /count_include_pad=0/ },
    { file: 'refused-dynamic-size.onnx', node: 'input "image" of shape [?, 3, ?, ?]', why: /fixed image size/ },
    { file: 'refused-feature-map-output.onnx', node: 'not a vector of class scores', why: /\[batch, classes\]/ },
  ];
  const baseline = tf.memory().numTensors;
  for (const { file, node, why } of cases) {
    const full = path.join(dir, file);
    const err = await rejectsWith(() => loadModel(full), 'MODEL_UNSUPPORTED', full);
    assert.ok(err.message.includes(node), `${file}: the message names ${node}: ${err.message}`);
    assert.match(err.message, /[Nn]othing in the model was run/);
    if (why) assert.match(err.message, why);
  }
  assert.equal(tf.memory().numTensors, baseline, 'a refused model leaves no tensor');
});

test('a folder holding an .onnx file (and no model.json) names that file', { skip }, async () => {
  const folder = path.join(dir, 'only-onnx');
  mkdirSync(folder);
  copyFileSync(path.join(dir, 'small_cnn-opset13-folded.onnx'), path.join(folder, 'net.onnx'));
  const err = await rejectsWith(() => loadModel(folder), 'MODEL_NOT_FOUND', folder);
  assert.match(err.message, /It holds the ONNX model net\.onnx: give that file's path/);
});

test('external data leading out of the model folder is refused', { skip }, async () => {
  const file = path.join(dir, 'bad-external-escape.onnx');
  const err = await rejectsWith(() => loadModel(file), 'WEIGHTS_PATH_ESCAPES', file);
  assert.match(err.message, /"\.\.\/x"/);
});
