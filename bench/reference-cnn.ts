/**
 * The reference CNN of environment.md (conv3x3x16-relu-maxpool2, conv3x3x32-relu-maxpool2, flatten,
 * dense10; input 64x64x3; batch 32) timed on the current tfjs backend: forward, gradient of one class
 * score w.r.t. the input, one Adam training step. Each figure is the median of several runs after
 * warm-up. Run directly to print them beside the PyTorch CPU reference:
 *   node --import tsx bench/reference-cnn.ts [--backend auto|wasm|cpu|tensorflow] [--runs N]
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend } from '../src/engine/backend/select-backend';
import { LayerGraphModel } from '../src/engine/model/layer-graph';
import type { BackendChoice } from '../src/shared/params';

/** PyTorch 1.13 CPU on this machine, best of 1 and 2 threads (environment.md). */
export const PYTORCH_CPU_MS: Readonly<Record<string, number>> = {
  forwardMs: 42,
  inputGradientMs: 58,
  layersInputGradientMs: 58,
  trainStepMs: 58,
};

export interface BenchOptions {
  batch?: number;
  warmup?: number;
  runs?: number;
}

function buildReferenceCnn(): tf.Sequential {
  const model = tf.sequential({ name: 'reference_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `step`, which must leave nothing allocated; reading a value back makes sure the work ran. */
async function time(step: () => tf.Tensor, warmup: number, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    const out = step();
    await out.data();
    const elapsed = performance.now() - start;
    out.dispose();
    if (i >= warmup) samples.push(elapsed);
  }
  return median(samples);
}

export async function benchReferenceCnn(options: BenchOptions = {}): Promise<Record<string, number>> {
  const batch = options.batch ?? 32;
  const warmup = options.warmup ?? 2;
  const runs = options.runs ?? 7;
  const model = buildReferenceCnn();
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, 64, 64, 3]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const targetClass = 3;
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    // The engine's own paths: its executor's forward, and a projection of the class score (plain gradient).
    const engineModel = new LayerGraphModel(model, 'reference-cnn');
    const lastLayer = model.layers[model.layers.length - 1].name;
    const seed = tf.tidy(() => tf.cast(tf.oneHot(tf.fill([batch], targetClass, 'int32'), 10), 'float32'));
    const forwardMs = await time(() => tf.tidy(() => {
      const { outputs, logits, probs } = engineModel.forward(x as tf.Tensor4D, []);
      tf.dispose([...outputs, logits]);
      return probs;
    }), warmup, runs);
    const inputGradientMs = await time(() => engineModel.project(x as tf.Tensor4D, lastLayer, seed, { rule: 'gradient', stridedFix: false }), warmup, runs);
    seed.dispose();
    // tf.grad through tfjs-layers (what a user's own script would do), for comparison.
    const inputGradient = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(model.apply(input) as tf.Tensor2D, [0, targetClass], [-1, 1])));
    const layersInputGradientMs = await time(() => tf.tidy(() => inputGradient(x)), warmup, runs);
    const trainStepMs = await time(
      () =>
        tf.tidy(() => {
          const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor), true, weights);
          if (!loss) throw new Error('The optimizer returned no loss.');
          return loss;
        }),
      warmup,
      runs,
    );
    return { forwardMs, inputGradientMs, layersInputGradientMs, trainStepMs };
  } finally {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    labels.dispose();
  }
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const choice = (argValue('--backend') ?? 'auto') as BackendChoice;
  const runs = Number(argValue('--runs') ?? 7);
  await selectBackend(choice);
  const backend = describeBackend();
  const results = await benchReferenceCnn({ runs });
  const label = [backend.name, backend.simd === undefined ? '' : `simd ${backend.simd ? 'on' : 'off'}`, backend.threads === undefined ? '' : `${backend.threads} thread${backend.threads === 1 ? '' : 's'}${backend.threadsNote ? ` (${backend.threadsNote})` : ''}`]
    .filter(Boolean)
    .join(', ');
  console.log(`Reference CNN, batch 32, 64x64x3, tfjs ${tf.version.tfjs} on ${label}; median of ${runs} runs`);
  console.log('step                 tfjs ms   PyTorch CPU ms   tfjs / PyTorch');
  for (const [key, ms] of Object.entries(results)) {
    const reference = PYTORCH_CPU_MS[key];
    console.log(`${key.padEnd(20)} ${ms.toFixed(1).padStart(8)} ${String(reference).padStart(16)} ${(ms / reference).toFixed(2).padStart(16)}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
