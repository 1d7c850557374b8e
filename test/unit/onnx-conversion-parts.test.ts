/**
 * The pure pieces of the ONNX conversion, on cases small enough to check by hand: window padding
 * (TF 'same' detection, auto_pad, PyTorch's ceil_mode rule), shape folding with the batch marker,
 * and the NCHW -> NHWC weight layouts (grouped kernels, the Flatten row order).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BATCH, foldNode } from '../../src/engine/model/onnx/fold-shapes';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../../src/engine/model/onnx/onnx-ir';
import { convKernel, denseKernel, depthwiseKernel } from '../../src/engine/model/onnx/onnx-weights';
import { windowOf, withCeilPadding } from '../../src/engine/model/onnx/onnx-windows';

function node(opType: string, attributes: Record<string, OnnxAttribute> = {}, inputs = ['x']): OnnxNode {
  return { name: `/${opType}`, opType, domain: '', inputs, outputs: ['y'], attributes };
}

function ints(dims: number[], data: number[], name = ''): OnnxTensor {
  return { name, dims, type: 'int', data };
}

test('windows: TF "same" is recognised, other pads are explicit', () => {
  const same = windowOf(node('Conv', { pads: [1, 1, 1, 1] }), [32, 32], [3, 3]);
  assert.equal(same.mode, 'same');
  assert.deepEqual(same.outSize, [32, 32]);
  // Stride 2: TF would pad [0, 1], PyTorch pads [1, 1].
  const strided = windowOf(node('Conv', { pads: [1, 1, 1, 1], strides: [2, 2] }), [224, 224], [3, 3]);
  assert.equal(strided.mode, 'valid');
  assert.deepEqual(strided.pads, [[1, 1], [1, 1]]);
  assert.deepEqual(strided.outSize, [112, 112]);
  const lower = windowOf(node('MaxPool', { kernel_shape: [2, 2], auto_pad: 'SAME_LOWER' }), [4, 4]);
  assert.deepEqual(lower.pads, [[1, 0], [1, 0]]);
  assert.equal(lower.mode, 'valid');
  assert.equal(windowOf(node('MaxPool', { kernel_shape: [2, 2], auto_pad: 'SAME_UPPER' }), [4, 4]).mode, 'same');
});

test('windows: ceil_mode follows PyTorch, including its rule against windows starting in the padding', () => {
  const squeeze = windowOf(node('MaxPool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }), [112, 112]);
  assert.deepEqual(squeeze.outSize, [55, 55]);
  assert.deepEqual(squeeze.ceilExtra, [1, 1]);
  const padded = withCeilPadding(squeeze);
  assert.deepEqual(padded.pads, [[0, 1], [0, 1]]);
  assert.deepEqual(padded.outSize, [56, 56]);
  // ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window would start in the end padding: PyTorch gives 3.
  const rule = windowOf(node('MaxPool', { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }), [5, 5]);
  assert.deepEqual(rule.ceilExtra, [0, 0]);
  assert.deepEqual(rule.ceilOutSize, [3, 3]);
});

test('shape folding: x.view(x.size(0), -1) becomes [batch, -1]', () => {
  const shape = foldNode(node('Shape'), [undefined], [16, 8, 8], 13);
  assert.deepEqual(shape, ints([4], [BATCH, 16, 8, 8], 'y'));
  const first = foldNode(node('Gather', { axis: 0 }, ['s', 'i']), [shape, ints([], [0])], undefined, 13);
  assert.deepEqual(first?.data, [BATCH]);
  assert.deepEqual(first?.dims, []);
  const unsqueezed = foldNode(node('Unsqueeze', {}, ['g', 'axes']), [first, ints([1], [0])], undefined, 13);
  assert.deepEqual(unsqueezed?.dims, [1]);
  const minusOne = foldNode(node('Unsqueeze', { axes: [0] }, ['c']), [ints([], [-1])], undefined, 11);
  const target = foldNode(node('Concat', { axis: 0 }, ['a', 'b']), [unsqueezed, minusOne], undefined, 13);
  assert.deepEqual(target, ints([2], [BATCH, -1], 'y'));
  const tail = foldNode(node('Slice', {}, ['s', 'st', 'en']), [shape, ints([1], [1]), ints([1], [9223372036854775807])], undefined, 13);
  assert.deepEqual(tail?.data, [16, 8, 8]);
  const cast = foldNode(node('Cast', { to: 1 }), [ints([2], [3, 4])], undefined, 13);
  assert.ok(cast?.type === 'float' && cast.data instanceof Float32Array);
  // A computed value that is not a shape is not folded.
  assert.equal(foldNode(node('Gather', { axis: 0 }, ['x', 'i']), [undefined, ints([], [0])], [16, 8, 8], 13), undefined);
});

test('weights: grouped convolution kernels are block-diagonal; depthwise keeps channel order', () => {
  // groups = 2, one input and one output channel per group, 1x1 kernels.
  const grouped = convKernel(Float32Array.of(5, 7), [2, 1, 1, 1], 2);
  assert.deepEqual(grouped.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(grouped.data), [5, 0, 0, 7]); // [in][out]
  // Depthwise with multiplier 2 on 2 channels: ONNX output c * 2 + j -> TF [c][j].
  const depthwise = depthwiseKernel(Float32Array.of(1, 2, 3, 4), [4, 1, 1, 1], 2);
  assert.deepEqual(depthwise.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(depthwise.data), [1, 2, 3, 4]);
});

test('weights: a Dense after a flattened [C, H, W] map takes its rows in TF.js order', () => {
  // C = 2, H = 1, W = 2; torch.nn.Linear weight [1 unit, 4 inputs] in PyTorch's (c, h, w) order.
  const kernel = denseKernel(Float32Array.of(1, 2, 3, 4), [1, 4], true, 1, [2, 1, 2]);
  assert.deepEqual(kernel.shape, [4, 1]);
  // TF.js flattens (h, w, c): c0w0, c1w0, c0w1, c1w1.
  assert.deepEqual(Array.from(kernel.data), [1, 3, 2, 4]);
  assert.deepEqual(Array.from(denseKernel(Float32Array.of(1, 2, 3, 4), [2, 2], false, 2).data), [2, 4, 6, 8]);
});
