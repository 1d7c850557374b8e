/** Layer names from torch.onnx.export's node names: PyTorch's module paths, valid for TF.js, unique. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LayerNames, scopeName } from '../../src/engine/model/onnx/onnx-layer-names';

test('node scopes become the module paths named_modules() prints', () => {
  const cases: [string, string, string][] = [
    ['/layer1/layer1.0/conv1/Conv', 'Conv', 'layer1.0.conv1'],
    ['/layer1/layer1.0/relu_1/Relu', 'Relu', 'layer1.0.relu_1'],
    ['/features/features.1/conv/conv.0/conv.0.0/Conv', 'Conv', 'features.1.conv.0.0'],
    ['/features/features.18/features.18.2/Clip', 'Clip', 'features.18.2'],
    ['/conv1/Conv', 'Conv', 'conv1'],
    ['/Relu_1', 'Relu', 'Relu_1'],
    ['/GlobalAveragePool', 'GlobalAveragePool', 'GlobalAveragePool'],
    ['Conv_7', 'Conv', 'Conv_7'],
    ['', 'Conv', ''],
  ];
  for (const [node, op, expected] of cases) assert.equal(scopeName(node, op), expected, node);
});

test('layer names are valid TF.js names and unique', () => {
  const names = new LayerNames();
  assert.equal(names.forNode('/fc/Gemm', 'Gemm', 0), 'fc');
  assert.equal(names.forNode('/fc/Gemm', 'Gemm', 1), 'fc_2');
  assert.equal(names.forNode('', 'Relu', 5), 'Relu_5');
  assert.equal(names.unique('input:0'), 'input_0');
  assert.equal(names.unique('_x y'), 'n_x_y');
  for (const name of ['fc', 'fc_2', 'Relu_5', 'input_0', 'n_x_y']) assert.match(name, /^[A-Za-z0-9][-A-Za-z0-9._]*$/);
});
