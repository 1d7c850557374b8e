/**
 * Which .onnx files the extension offers to interpret: a real ONNX model starts with ir_version
 * then another ModelProto field; anything else is refused with a message that says what to do.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isOnnxFileName, onnxFileProblem, ONNX_SNIFF_BYTES } from '../../src/extension/model-files';

const REAL_ONNX = path.join(__dirname, '..', '..', '..', 'shared', 'real-models', 'mnist-mlp-pytorch.onnx');

test('.onnx names are ONNX files, whatever the case; others are not', () => {
  for (const name of ['model.onnx', 'a/b/Net.ONNX', '.onnx']) assert.equal(isOnnxFileName(name), true, name);
  for (const name of ['model.onnx.data', 'onnx', 'model.json', 'model.h5', 'model.onnx~']) assert.equal(isOnnxFileName(name), false, name);
});

test('the heads that exporters write are accepted: ir_version then producer_name, graph or opset', () => {
  for (const head of [
    [0x08, 0x07, 0x12, 0x07, 0x70, 0x79], // torch.onnx.export: ir_version 7, producer_name "pytorch"
    [0x08, 0x0a, 0x12, 0x07], // PyTorch 2.x: ir_version 10
    [0x08, 0x08, 0x3a, 0x98], // onnx.helper.make_model: ir_version 8, then the graph
    [0x08, 0x03, 0x42, 0x04], // ir_version 3, then opset_import
    [0x08, 0x01, 0x1a, 0x00], // the smallest ir_version, then producer_version
    [0x08, 30, 0x28, 0x01], // the largest allowed ir_version, then model_version
    [0x08, 0x09, 0x22, 0x00],
    [0x08, 0x09, 0x32, 0x00],
    [0x08, 0x09, 0x72, 0x00],
    [0x08, 0x09, 0x7a, 0x00],
    [0x08, 0x09, 0xa2, 0x01],
  ]) assert.equal(onnxFileProblem(Uint8Array.from(head)), undefined, head.join(','));
});

test('anything else is refused, saying how to export an ONNX model', () => {
  for (const head of [
    [], // empty file
    [0x08], // cut after the first tag
    [0x08, 0x07], // cut after ir_version
    [0x7b, 0x22, 0x6d, 0x6f], // JSON ('{"mo')
    [0x50, 0x4b, 0x03, 0x04], // a zip (a .keras or a PyTorch .pt archive renamed)
    [0x89, 0x48, 0x44, 0x46], // HDF5
    [0x10, 0x07, 0x12, 0x07], // field 2 as a varint: not a ModelProto start
    [0x08, 0x00, 0x12, 0x07], // ir_version 0
    [0x08, 31, 0x12, 0x07], // ir_version past any ONNX release
    [0x08, 0x07, 0x08, 0x07], // ir_version twice
    [0x08, 0x07, 0x10, 0x00], // field 2 with the wrong wire type
    [0x08, 0x07, 0x2a, 0x00], // field 5 with the wrong wire type
  ]) {
    const problem = onnxFileProblem(Uint8Array.from(head));
    assert.equal(problem, 'is not an ONNX model (it does not start as an ONNX ModelProto does); export it again with torch.onnx.export(model, example_input, "model.onnx")', head.join(','));
  }
});

test('a real PyTorch export (shared real models) is accepted from its first bytes', { skip: !existsSync(REAL_ONNX) && 'the shared real models are not on this machine' }, () => {
  const head = readFileSync(REAL_ONNX).subarray(0, ONNX_SNIFF_BYTES);
  assert.equal(onnxFileProblem(head), undefined);
});
