/**
 * `npm run bench`: the performance figures on this machine, printed as a table, then the targets
 * with their ratios.
 *  - interpret on the MNIST training set with the example LeNet: feature extraction images/s,
 *    Gram and solver times, peak RSS (own process, and above its baseline), at 1/4, 1/2 and all
 *    of the data;
 *  - one explanation (forward + 3 projections), warm median, on the LeNet and on MobileNetV2 224;
 *  - the reference CNN of environment.md (forward, input gradient, training step, batch 32);
 *  - the solver on a synthetic N = 60,000, m = 448 problem.
 * Options: --quick (1/4 of MNIST only), --backend B.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { benchReferenceCnn, PYTORCH_CPU_MS } from './reference-cnn';
import { benchSolver } from './solver';
import { subsetFolder } from './subset-folder';
import { benchExplanation } from './explanation';
import { benchMobileNetExplanation } from './explanation-mobilenet';
import { exportMnist } from '../scripts/export-mnist';
import { describeBackend, selectBackend } from '../src/engine/backend/select-backend';
import type { BackendChoice } from '../src/shared/params';

const ROOT = path.resolve(__dirname, '..');
const MODEL = path.join(ROOT, 'examples/mnist-lenet/model.json');

function row(name: string, value: number, unit: string, note = ''): void {
  process.stdout.write(`${name.padEnd(52)} ${value.toFixed(value < 10 ? 2 : 0).padStart(10)} ${unit.padEnd(10)} ${note}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, backend: { type: 'string', default: 'auto' } } });
  const backendChoice = values.backend as BackendChoice;
  const backend = await selectBackend(backendChoice);
  const threads = describeBackend().threads;
  process.stdout.write(`VEBI benchmarks: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), node ${process.version}, backend ${backend}${threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''}\n\n`);
  const targets: Target[] = [];

  const trainDir = path.join(ROOT, 'data/mnist-train');
  await exportMnist({ split: 'train', out: trainDir });
  const fractions = values.quick ? [15000] : [15000, 30000, 60000];
  for (const limit of fractions) {
    const out = path.join(os.tmpdir(), `vebi-bench-interpret-${limit}`);
    const dataDir = limit < 60000 ? await subsetFolder(trainDir, limit, `${out}-data`) : trainDir;
    const stdout = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'interpret-child.ts'), '--model', MODEL, '--data', dataDir, '--out', out, '--backend', backendChoice], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>;
    process.stdout.write(`interpret, MNIST train, N = ${r.images} (m = ${r.features}):\n`);
    row('  feature extraction', r.imagesPerSecond, 'images/s', `${(r.featuresMs / 1000).toFixed(1)} s`);
    row('  Gram matrix (built batch by batch in the extraction)', r.gramMs, 'ms');
    row('  solver fits, all classes, non-negative + signed', r.solveMs, 'ms');
    row('  feature visualisations', r.visualsMs / 1000, 's');
    row('  interpret end to end', r.totalMs / 1000, 's');
    // The whole process cannot fit 1.5 x (matrix + model): Node, tfjs, wasm and sharp take ~200 MB first.
    row('  peak RSS, whole process', r.peakRssMB, 'MB', `feature matrix ${r.featureMatrixMB.toFixed(1)} MB (never held), model ${r.modelMB.toFixed(1)} MB`);
    row('  peak RSS above the process with backend + model', r.peakRssMB - r.baselineRssMB, 'MB', `baseline ${r.baselineRssMB.toFixed(0)} MB`);
    if (r.images === 60000) {
      targets.push({ name: 'interpret 60,000 MNIST images, end to end', value: r.totalMs / 1000, unit: 's', target: 60, below: true });
      targets.push({ name: `solver on that job (m = ${r.features}), Gram + all fits`, value: r.gramMs + r.solveMs, unit: 'ms', target: 1000, below: true });
      const budget = 1.5 * (r.featureMatrixMB + r.modelMB);
      targets.push({ name: 'peak RSS above baseline vs 1.5 x (matrix + model)', value: r.peakRssMB - r.baselineRssMB, unit: 'MB', target: budget, below: true });
    }
  }
  process.stdout.write('  growth in N: extraction and the Gram matrix are linear in N (O(N m) and O(N m^2)); the LARS fits work on G and c only, O(m^2 k) per class, independent of N; memory above the baseline is flat in N (nothing N x m is held).\n');

  process.stdout.write('\none explanation (forward + 3 guided projections), MNIST LeNet:\n');
  const explanation = await benchExplanation(MODEL, path.join(os.tmpdir(), `vebi-bench-interpret-${fractions[0]}`));
  row('  explanation, warm median', explanation.explainMs, 'ms');
  targets.push({ name: 'one explanation, MNIST LeNet (forward + 3 projections)', value: explanation.explainMs, unit: 'ms', target: 50, below: true });
  process.stdout.write('\none explanation, nsfwjs MobileNetV2 graph model, 224x224 (17 depthwise feature nodes):\n');
  const mobile = await benchMobileNetExplanation();
  row('  explanation, warm median', mobile.explainMs, 'ms', `${mobile.features} projections`);
  targets.push({ name: `one explanation, MobileNetV2 224x224 (${mobile.features} projections)`, value: mobile.explainMs, unit: 'ms', target: 1000, below: true });

  process.stdout.write('\nreference CNN of environment.md (batch 32, 64x64x3):\n');
  const cnn = await benchReferenceCnn();
  for (const [name, ms] of Object.entries(cnn)) {
    const reference = PYTORCH_CPU_MS[name];
    row(`  ${name}`, ms, 'ms', reference ? `PyTorch CPU ${reference} ms, ratio ${(ms / reference).toFixed(2)}x` : '');
  }
  targets.push({ name: 'reference CNN forward (PyTorch 42 ms / 1.5)', value: cnn.forwardMs, unit: 'ms', target: PYTORCH_CPU_MS.forwardMs / 1.5, below: true });
  targets.push({ name: 'reference CNN input gradient, engine (PyTorch 58 ms)', value: cnn.inputGradientMs, unit: 'ms', target: PYTORCH_CPU_MS.inputGradientMs, below: true });
  targets.push({ name: 'reference CNN Adam step (2 x PyTorch 58 ms)', value: cnn.trainStepMs, unit: 'ms', target: 2 * PYTORCH_CPU_MS.trainStepMs, below: true });

  process.stdout.write('\nsolver, synthetic N = 60,000, m = 448, 10 classes:\n');
  const solver = await benchSolver();
  for (const [name, value] of Object.entries(solver)) {
    if (typeof value === 'string') process.stdout.write(`  ${name.padEnd(50)} ${value.padStart(10)}\n`);
    else row(`  ${name}`, value, '');
  }
  const solverMs = (solver.gramMs as number) + (solver.nonNegativeSolvesMs as number);
  targets.push({ name: 'solver N=60k m=448, 10 classes, incl. Gram', value: solverMs, unit: 'ms', target: 1000, below: true });
  targets.push({ name: 'solver objective vs exact (relative excess)', value: solver.objectiveExcess as number, unit: '', target: 1e-6, below: true });

  process.stdout.write('\nissue 4 targets:\n');
  for (const t of targets) {
    const met = t.below ? t.value <= t.target : t.value >= t.target;
    const show = (v: number): string => (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(1) : v.toFixed(v < 10 ? 2 : 0));
    process.stdout.write(`  ${t.name.padEnd(58)} ${show(t.value).padStart(9)} ${t.unit.padEnd(3)} target ${t.below ? '<=' : '>='} ${show(t.target).padStart(8)}  ratio ${(t.value / t.target).toFixed(2)}  ${met ? 'met' : 'NOT met'}\n`);
  }
}

interface Target {
  name: string;
  value: number;
  unit: string;
  target: number;
  below: boolean;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
