/**
 * Reading .onnx files (before any conversion): a real torch.onnx.export file decodes into the plain
 * graph (int64 shape constants as numbers, dynamic batch as undefined, weights as Float32Array);
 * external data is read, confined to the model's folder, and a missing or short data file is named;
 * truncated and non-protobuf files are refused with MODEL_CORRUPT naming the file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readOnnx } from '../../src/engine/model/onnx/read-onnx';
import { makeOnnxFixtures, onnxFixturesSkip } from '../helpers/onnx-fixtures';
import { rejectsWith } from '../helpers/rejects-with';
import { seededRandom } from '../helpers/seeded-random';

const skip = onnxFixturesSkip();
let dir = '';

test.before(() => {
  if (!skip) dir = makeOnnxFixtures(['small_cnn', 'external', 'bad']);
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a torch.onnx.export file decodes into the plain graph', { skip }, async () => {
  const graph = await readOnnx(path.join(dir, 'small_cnn-opset11-unfolded.onnx'));
  assert.equal(graph.opset, 11);
  assert.equal(graph.producer, 'pytorch');
  assert.deepEqual(graph.inputs, [{ name: 'input', shape: [undefined, 3, 32, 32] }]);
  assert.deepEqual(graph.outputs, [{ name: 'logits', shape: [undefined, 10] }]);
  const conv = graph.nodes.find((n) => n.opType === 'Conv');
  assert.deepEqual(conv?.attributes.pads, [1, 1, 1, 1]);
  const weight = graph.initializers.get(conv!.inputs[1]);
  assert.deepEqual(weight?.dims, [8, 3, 3, 3]);
  assert.ok(weight?.type === 'float' && weight.data.length === 216 && weight.data.some((v) => v !== 0));
  // The -1 of x.view(x.size(0), -1) is an int64 Constant: a plain number.
  const minusOne = graph.nodes.map((n) => n.attributes.value).find((v) => typeof v === 'object' && 'type' in v && v.type === 'int' && v.data[0] === -1);
  assert.ok(minusOne, 'the int64 constant -1 is read as a number');
});

test('external data: read from the file next to the model, equal to the embedded weights', { skip }, async () => {
  const embedded = await readOnnx(path.join(dir, 'small_cnn-opset13-folded.onnx'));
  const external = await readOnnx(path.join(dir, 'small_cnn-external.onnx'));
  assert.equal(external.initializers.size, embedded.initializers.size);
  for (const [name, tensor] of embedded.initializers) assert.deepEqual(external.initializers.get(name), tensor, name);
});

test('external data: a short data file and a missing one are named', { skip }, async () => {
  const model = path.join(dir, 'small_cnn-external.onnx');
  const data = `${model}.data`;
  const bytes = readFileSync(data);
  try {
    truncateSync(data, bytes.length - 4);
    const short = await rejectsWith(() => readOnnx(model), 'WEIGHTS_SHORT', data);
    assert.match(short.message, /small_cnn-external\.onnx\.data.*too short/);
    unlinkSync(data);
    const missing = await rejectsWith(() => readOnnx(model), 'WEIGHTS_MISSING');
    assert.match(missing.message, /small_cnn-external\.onnx\.data.*does not exist/);
  } finally {
    writeFileSync(data, bytes);
  }
});

test('external data: a path leading out of the model folder is refused before reading', { skip }, async () => {
  // The model sits in a sub-folder and ../x exists: the path alone is refused, not a missing file.
  const model = path.join(dir, 'sub', 'bad-external-escape.onnx');
  mkdirSync(path.dirname(model));
  copyFileSync(path.join(dir, 'bad-external-escape.onnx'), model);
  writeFileSync(path.join(dir, 'x'), Buffer.alloc(432));
  const err = await rejectsWith(() => readOnnx(model), 'WEIGHTS_PATH_ESCAPES', model);
  assert.match(err.message, /"\.\.\/x"/);
});

test('a truncated .onnx file is refused as corrupt, naming the file', { skip }, async () => {
  const whole = readFileSync(path.join(dir, 'small_cnn-opset13-folded.onnx'));
  const file = path.join(dir, 'truncated.onnx');
  writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
  const err = await rejectsWith(() => readOnnx(file), 'MODEL_CORRUPT', file, { messageNamesPath: true });
  assert.match(err.message, /export it again/);
});

test('random bytes and an empty file are refused as not ONNX', async () => {
  const random = seededRandom(7);
  const folder = mkdtempSync(path.join(tmpdir(), 'vebi-onnx-bytes-'));
  const file = path.join(folder, 'random.onnx');
  const cases = [Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)), new Uint8Array(0), Buffer.from('{"modelTopology": {}}')];
  for (const bytes of cases) {
    writeFileSync(file, bytes);
    try {
      await rejectsWith(() => readOnnx(file), 'MODEL_CORRUPT', file, { messageNamesPath: true });
    } finally {
      unlinkSync(file);
    }
  }
  rmSync(folder, { recursive: true });
});
