/**
 * Time of one explanation by each method of the registry, warm median, on the example MNIST LeNet
 * (examples/mnist-lenet, when present) and on a tiny seeded model.
 *
 *   node --import tsx bench/explain-methods.ts [--backend auto|wasm|cpu|tensorflow] [--runs N] [--report DIR]
 *
 * VEBI and upsampled activations read an interpretation: the one in --report when given, otherwise
 * seeded synthetic weights (a third of the features relevant to each class; the cost is the same).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend } from '../src/engine/backend/select-backend';
import { decodeImage, preprocess } from '../src/engine/data';
import type { ExplanationWeights } from '../src/engine/explain/compute-explanation';
import { explanationMethods } from '../src/engine/explain/methods';
import { FeatureTable } from '../src/engine/interpret/feature-table';
import { LayerGraphModel } from '../src/engine/model/layer-graph';
import { loadModel } from '../src/engine/model/load-model';
import type { VebiModel } from '../src/engine/model/types';
import { readInterpretation } from '../src/engine/report/read-report';
import type { BackendChoice } from '../src/shared/params';
import { buildLeNet } from '../test/helpers/tiny-models';
import { seededRandom } from '../test/helpers/seeded-random';
import { syntheticWeights } from '../test/helpers/synthetic-weights';

const ROOT = path.resolve(__dirname, '..');
const LENET = path.join(ROOT, 'examples/mnist-lenet/model.json');
const DIGITS = path.join(ROOT, 'data/mnist-test-sample');

async function reportWeights(model: VebiModel, dir: string): Promise<ExplanationWeights> {
  const interpretation = await readInterpretation(dir);
  const table = new FeatureTable(model.layers);
  const { report } = interpretation;
  return { ...interpretation, numClasses: report.weights.numClasses, feature: (i) => table.at(i), l2Normalize: report.params.l2Normalize };
}

/** A real digit when the MNIST sample was exported (npm run example), else a seeded image. */
async function imageFor(model: VebiModel): Promise<Float32Array> {
  const [height, width, channels] = model.inputShape;
  if (existsSync(path.join(DIGITS, '7')) && height === 28 && channels === 1) {
    const file = (await fs.readdir(path.join(DIGITS, '7'))).filter((f) => f.endsWith('.png')).sort()[0];
    if (file) return preprocess(await decodeImage(path.join(DIGITS, '7', file), { height, width, channels: 1 }), 1, { kind: 'unit' });
  }
  const rand = seededRandom(7);
  return Float32Array.from({ length: height * width * channels }, rand);
}

/** Median milliseconds per method, after 2 warm-up runs. */
export async function benchExplainMethods(model: VebiModel, weights: ExplanationWeights, runs = 10): Promise<Record<string, number>> {
  const input = await imageFor(model);
  const result: Record<string, number> = {};
  for (const method of explanationMethods()) {
    const times: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const start = performance.now();
      method.explain(model, input, {}, { weights });
      if (i >= 2) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    result[method.name] = times[Math.floor(times.length / 2)];
  }
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, runs: { type: 'string', default: '10' }, report: { type: 'string' } } });
  const backend = await selectBackend(values.backend as BackendChoice);
  const threads = describeBackend().threads;
  const runs = Number(values.runs);
  const models: { name: string; model: VebiModel; weights: () => Promise<ExplanationWeights> }[] = [];
  if (existsSync(LENET)) {
    const lenet = await loadModel(LENET);
    models.push({ name: 'MNIST LeNet 28x28', model: lenet, weights: async () => (values.report ? reportWeights(lenet, values.report) : syntheticWeights(lenet)) });
  }
  const tiny = new LayerGraphModel(buildLeNet(), 'tiny');
  models.push({ name: 'tiny LeNet 16x16', model: tiny, weights: async () => syntheticWeights(tiny) });
  const columns: Record<string, Record<string, number>> = {};
  for (const { name, model, weights } of models) columns[name] = await benchExplainMethods(model, await weights(), runs);
  const names = Object.keys(columns);
  process.stdout.write(`explanation methods, warm median of ${runs} (ms), backend ${backend}${threads ? `, ${threads} threads` : ''}${values.report ? '' : ', synthetic interpretation'}\n`);
  process.stdout.write(`${'method'.padEnd(28)}${names.map((n) => n.padStart(20)).join('')}\n`);
  for (const method of explanationMethods()) {
    process.stdout.write(`${method.name.padEnd(28)}${names.map((n) => columns[n][method.name].toFixed(1).padStart(20)).join('')}\n`);
  }
  models.forEach(({ model }) => model.dispose());
  if (tf.memory().numTensors > 0) process.stdout.write(`(${tf.memory().numTensors} tensors still held by tfjs)\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
