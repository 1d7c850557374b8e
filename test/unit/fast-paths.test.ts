/**
 * The engine's fast paths give what the general path gives:
 * - a projection's fused Conv2D + bias + ReLU (fused-conv-relu.ts) against the same layer composed
 *   of tf.conv2d, tf.add and the rule ReLU, for every backward rule, padding and stride it takes;
 * - wasm on several threads: what describeBackend reports, VEBI_WASM_THREADS=1, and a process that
 *   used the threaded module exits by itself (its pthread workers must not keep it alive).
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend/select-backend';
import { canFuseConvRelu, fusedConvRelu } from '../../src/engine/model/fused-conv-relu';
import { ruleRelu, type BackwardRule } from '../../src/engine/model/guided-ops';
import type { ConvSpec } from '../../src/engine/model/conv-ops';
import { seededRandom } from '../helpers/seeded-random';

const ROOT = path.resolve(__dirname, '../..');

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rand = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1), shape);
}

interface FuseCase {
  name: string;
  x: [number, number, number, number];
  kernel: [number, number, number, number];
  spec: ConvSpec;
  bias: boolean;
}

const CASES: FuseCase[] = [
  { name: '3x3 s1 same', x: [2, 9, 8, 3], kernel: [3, 3, 3, 5], spec: { strides: [1, 1], dilation: [1, 1], padding: 'same' }, bias: true },
  { name: '5x3 s1 valid, no bias', x: [1, 10, 7, 2], kernel: [5, 3, 2, 4], spec: { strides: [1, 1], dilation: [1, 1], padding: 'valid' }, bias: false },
  { name: '3x3 s2 same (no strided fix)', x: [2, 11, 10, 3], kernel: [3, 3, 3, 4], spec: { strides: [2, 2], dilation: [1, 1], padding: 'same' }, bias: true },
  { name: '4x4 s1 same (uneven padding)', x: [1, 8, 8, 2], kernel: [4, 4, 2, 3], spec: { strides: [1, 1], dilation: [1, 1], padding: 'same' }, bias: true },
];

function projected(c: FuseCase, rule: BackwardRule, fused: boolean): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = randomTensor(c.x, 1) as tf.Tensor4D;
    const kernel = randomTensor(c.kernel, 2) as tf.Tensor4D;
    const bias = c.bias ? randomTensor([c.kernel[3]], 3) : undefined;
    const layer = (input: tf.Tensor4D): tf.Tensor => {
      if (fused) return fusedConvRelu(input, kernel, bias, c.spec, rule);
      const pre = tf.conv2d(input, kernel, c.spec.strides, c.spec.padding as 'same' | 'valid');
      return ruleRelu(bias ? tf.add(pre, bias) : pre, rule);
    };
    const out = layer(x);
    const seed = randomTensor(out.shape, 4);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer(input as tf.Tensor4D), seed)))(x);
    return { value: out.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);
}

describe('fused Conv2D + bias + ReLU in projections', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('is used for ReLU convs without dilation, and not where the strided fix or a dilation applies', () => {
    const plain: ConvSpec = { strides: [1, 1], dilation: [1, 1], padding: 'same' };
    assert.equal(canFuseConvRelu(plain, true, Infinity), true);
    assert.equal(canFuseConvRelu({ ...plain, strides: [2, 2] }, false, Infinity), true);
    assert.equal(canFuseConvRelu({ ...plain, strides: [2, 2] }, true, Infinity), false);
    assert.equal(canFuseConvRelu({ ...plain, dilation: [2, 2] }, false, Infinity), false);
    assert.equal(canFuseConvRelu(plain, false, 6), false, 'ReLU6 keeps the general path');
    assert.equal(canFuseConvRelu(plain, false, undefined), false, 'non-ReLU activations keep the general path');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const c of CASES) {
      for (const rule of ['gradient', 'guided', 'deconvnet'] as const) {
        it(`${backend}, ${c.name}, ${rule}: same output and backward pass as conv + add + rule ReLU`, async () => {
          await tf.setBackend(backend);
          const baseline = tf.memory().numTensors;
          const fused = projected(c, rule, true);
          const general = projected(c, rule, false);
          assert.ok(maxDiff(fused.value, general.value) < 1e-5, 'forward');
          assert.ok(maxDiff(fused.grad, general.grad) < 1e-5, `backward: max diff ${maxDiff(fused.grad, general.grad)}`);
          assert.ok(fused.grad.some((v) => v !== 0), 'the backward pass is not all zeros');
          assert.equal(tf.memory().numTensors, baseline, 'no tensors left behind');
        });
      }
    }
  }
});

describe('wasm threads', () => {
  const probe = (env: NodeJS.ProcessEnv): { threads: number; exitedByItself: true } => {
    const script = [
      "const { selectBackend, describeBackend } = require('./src/engine/backend/select-backend');",
      "const tf = require('@tensorflow/tfjs');",
      '(async () => {',
      "  await selectBackend('wasm');",
      '  tf.tidy(() => tf.conv2d(tf.ones([1, 16, 16, 8]), tf.ones([3, 3, 8, 8]), 1, "same").dataSync());',
      '  console.log(JSON.stringify({ threads: describeBackend().threads }));',
      '})();',
    ].join('\n');
    // No process.exit: the child must end on its own once its work is done (timeout = failure).
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { ...(JSON.parse(stdout.trim().split('\n').pop() as string) as { threads: number }), exitedByItself: true };
  };

  it('runs on one thread per core (at most 4), and the process still exits by itself', () => {
    const { threads } = probe({});
    assert.equal(threads, Math.min(4, os.availableParallelism()));
  });

  it('VEBI_WASM_THREADS=1 gives the single-threaded module', () => {
    assert.equal(probe({ VEBI_WASM_THREADS: '1' }).threads, 1);
  });
});
