import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../helpers/backend';
import { buildBranchy, buildLeNet, buildMobileLike, seedWeights } from '../helpers/tiny-models';
import { padAmounts } from '../../src/engine/model/conv-geometry';
import { LayerGraphModel } from '../../src/engine/model/layer-graph';
import { fieldOfChain, fieldSpan, type FieldOp } from '../../src/engine/model/receptive-field';

const conv = (k: number, s = 1, pad = 0, d = 1): FieldOp => ({ kind: 'window', kernel: [k, k], stride: [s, s], dilation: [d, d], padBefore: [pad, pad] });

test('VGG-style stack: 3, 5, 6 (pool), 10, 14, 16 (pool) with jumps 1, 1, 2, 2, 2, 4', () => {
  const ops: FieldOp[] = [];
  const expected: [number, number, number][] = [
    [3, 1, -1],
    [5, 1, -2],
    [6, 2, -2],
    [10, 2, -4],
    [14, 2, -6],
    [16, 4, -6],
  ];
  const stack = [conv(3, 1, 1), conv(3, 1, 1), conv(2, 2), conv(3, 1, 1), conv(3, 1, 1), conv(2, 2)];
  stack.forEach((op, i) => {
    ops.push(op);
    const f = fieldOfChain(ops, [224, 224]);
    assert.deepEqual(f, { size: [expected[i][0], expected[i][0]], jump: [expected[i][1], expected[i][1]], offset: [expected[i][2], expected[i][2]] }, `after layer ${i + 1}`);
  });
});

test('AlexNet conv1 (11x11, stride 4, valid): size 11, jump 4, offset 0; then 3x3/2 pooling: 19, 8', () => {
  assert.deepEqual(fieldOfChain([conv(11, 4)], [227, 227]), { size: [11, 11], jump: [4, 4], offset: [0, 0] });
  assert.deepEqual(fieldOfChain([conv(11, 4), conv(3, 2)], [227, 227]), { size: [19, 19], jump: [8, 8], offset: [0, 0] });
});

test("'same' padding follows TensorFlow's split (extra pixel at the bottom/right) and sets the offset", () => {
  assert.deepEqual(padAmounts(224, 7, 2, 'same'), [2, 3]);
  assert.deepEqual(padAmounts(8, 3, 2, 'same'), [0, 1]);
  assert.deepEqual(padAmounts(7, 3, 2, 'same'), [1, 1]);
  assert.deepEqual(padAmounts(5, 1, 2, 'same'), [0, 0]);
  assert.deepEqual(padAmounts(9, 3, 1, 'same'), [1, 1]);
  assert.deepEqual(padAmounts(9, 3, 1, 'valid'), [0, 0]);
  // ResNet stem: 7x7/2 'same' on 224 -> offset -2; then 3x3/2 max pool 'same' on 112 (pad 0/1).
  const stem = fieldOfChain([conv(7, 2, 2), conv(3, 2, padAmounts(112, 3, 2, 'same')[0])], [224, 224]);
  assert.deepEqual(stem, { size: [11, 11], jump: [4, 4], offset: [-2, -2] });
});

test('dilation: a 3x3 kernel with dilation 2 spans 5 pixels; after a 3x3 conv, 7', () => {
  assert.deepEqual(fieldOfChain([conv(3, 1, 0, 2)], [32, 32])?.size, [5, 5]);
  assert.deepEqual(fieldOfChain([conv(3), conv(3, 1, 2, 2)], [32, 32]), { size: [7, 7], jump: [1, 1], offset: [-2, -2] });
});

test('vector layers see the whole image; merges take the union of their inputs', async () => {
  await useBackend('wasm');
  const lenet = new LayerGraphModel(buildLeNet(), 'lenet');
  assert.deepEqual(lenet.receptiveField('conv1'), { size: [3, 3], jump: [1, 1], offset: [-1, -1] });
  assert.deepEqual(lenet.receptiveField('conv2'), { size: [5, 5], jump: [1, 1], offset: [-1, -1] });
  assert.deepEqual(lenet.receptiveField('pool1'), { size: [6, 6], jump: [2, 2], offset: [-1, -1] });
  assert.deepEqual(lenet.receptiveField('conv3'), { size: [10, 10], jump: [4, 4], offset: [-3, -3] });
  assert.deepEqual(lenet.receptiveField('fc1'), { size: [16, 16], jump: [0, 0], offset: [0, 0] });
  lenet.dispose();
  const branchy = new LayerGraphModel(buildBranchy(), 'branchy');
  assert.deepEqual(branchy.receptiveField('pad'), { size: [1, 1], jump: [1, 1], offset: [-1, -1] });
  assert.deepEqual(branchy.receptiveField('c2b'), { size: [3, 3], jump: [1, 1], offset: [-1, -1] });
  assert.deepEqual(branchy.receptiveField('add'), { size: [5, 5], jump: [1, 1], offset: [-2, -2] }, 'union of a1 (3x3) and c2a (5x5)');
  assert.deepEqual(branchy.receptiveField('gap'), { size: [12, 12], jump: [0, 0], offset: [0, 0] });
  // The summaries carry the same fields.
  assert.deepEqual(branchy.layers.find((l) => l.name === 'c3')?.receptiveField, branchy.receptiveField('c3'));
  branchy.dispose();
  const mobile = new LayerGraphModel(buildMobileLike(), 'mobile');
  // dw1: 3x3/2 'same' on 12 pads 0 on top; the dilated conv (3x3, d=2) adds 2*2*2 = 8 at jump 2.
  assert.deepEqual(mobile.receptiveField('dw1'), { size: [3, 3], jump: [2, 2], offset: [0, 0] });
  assert.deepEqual(mobile.receptiveField('dil'), { size: [15, 15], jump: [2, 2], offset: [-6, -6] });
  mobile.dispose();
});

/**
 * A linear stack (no ReLU, no max pooling) so that every unit whose field holds a pixel reacts to
 * it (random weights make exact cancellation improbable).
 */
function geometryModel(): tf.LayersModel {
  const image = tf.input({ name: 'image', shape: [17, 17, 2] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  const a = apply(tf.layers.conv2d({ name: 'a', filters: 3, kernelSize: 3 }), image);
  const zp = apply(tf.layers.zeroPadding2d({ name: 'zp', padding: [[1, 0], [1, 1]] }), a);
  const b = apply(tf.layers.conv2d({ name: 'b', filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), zp);
  const p = apply(tf.layers.averagePooling2d({ name: 'p', poolSize: 2, strides: 1 }), b);
  const d = apply(tf.layers.conv2d({ name: 'd', filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' }), p);
  const e = apply(tf.layers.conv2d({ name: 'e', filters: 2, kernelSize: 1 }), p);
  const sum = apply(tf.layers.add({ name: 'sum' }), [d, e]);
  const crop = apply(tf.layers.cropping2D({ name: 'crop', cropping: [[1, 0], [0, 2]] }), sum);
  const s = apply(tf.layers.conv2d({ name: 's', filters: 2, kernelSize: 2, strides: 2 }), crop);
  const flat = apply(tf.layers.flatten({ name: 'flat' }), s);
  const out = apply(tf.layers.dense({ name: 'out', units: 2 }), flat);
  const model = tf.model({ inputs: image, outputs: out });
  seedWeights(model, 11);
  return model;
}

test('empirical: perturbing one pixel changes exactly the units whose field contains it', async () => {
  await useBackend('wasm');
  const model = new LayerGraphModel(geometryModel(), 'geometry');
  const layers = ['a', 'zp', 'b', 'p', 'd', 'e', 'sum', 'crop', 's'];
  const base = tf.randomUniform([1, 17, 17, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
  const before = model.forward(base, layers);
  const baseValues = before.outputs.map((t) => t.arraySync() as number[][][][]);
  tf.dispose([...before.outputs, before.logits, before.probs]);
  let checked = 0;
  for (const [r, c] of [[0, 0], [8, 8], [16, 3], [5, 12], [16, 16], [9, 6]]) {
    const bump = tf.tidy(() => tf.add(base, tf.oneHot(r * 17 + c, 17 * 17).reshape([1, 17, 17, 1]).tile([1, 1, 1, 2])) as tf.Tensor4D);
    const after = model.forward(bump, layers);
    layers.forEach((name, li) => {
      const field = model.receptiveField(name);
      assert.ok(field, `${name} has a field`);
      const now = after.outputs[li].arraySync() as number[][][][];
      const [h, w, k] = [now[0].length, now[0][0].length, now[0][0][0].length];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let changed = false;
          for (let ch = 0; ch < k; ch++) changed ||= now[0][y][x][ch] !== baseValues[li][0][y][x][ch];
          const [r0, r1] = fieldSpan(field, 0, y);
          const [c0, c1] = fieldSpan(field, 1, x);
          const inside = r >= r0 && r <= r1 && c >= c0 && c <= c1;
          const where = `${name} unit (${y}, ${x}) with field rows ${r0}..${r1}, cols ${c0}..${c1} and pixel (${r}, ${c})`;
          // Sound everywhere: a unit only reacts to pixels inside its field.
          if (changed) assert.ok(inside, `${where} reacted outside its field`);
          // Exact where the field lies inside the image (at borders, padding inside the net makes
          // the box a superset: padded positions have no pixels behind them).
          if (r0 >= 0 && c0 >= 0 && r1 < 17 && c1 < 17) {
            checked++;
            assert.equal(changed, inside, where);
          }
        }
      }
    });
    tf.dispose([bump, ...after.outputs, after.logits, after.probs]);
  }
  assert.ok(checked > 1000, `${checked} interior units checked`);
  base.dispose();
  model.dispose();
});
