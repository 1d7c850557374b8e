/**
 * `npm run bench`: the figures of issue 2 on this machine, printed as a table.
 *  - interpret on the MNIST training set with the example LeNet: feature extraction images/s,
 *    peak RSS (own process), solver time for all classes, at 1/4, 1/2 and all of the data;
 *  - one explanation (forward + 3 projections), warm median;
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
import { benchExplanation } from './explanation';
import { exportMnist } from '../scripts/export-mnist';
import { selectBackend } from '../src/engine/backend/select-backend';
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
  process.stdout.write(`VEBI benchmarks: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), node ${process.version}, backend ${backend}\n\n`);

  const trainDir = path.join(ROOT, 'data/mnist-train');
  await exportMnist({ split: 'train', out: trainDir });
  const fractions = values.quick ? [15000] : [15000, 30000, 60000];
  for (const limit of fractions) {
    const out = path.join(os.tmpdir(), `vebi-bench-interpret-${limit}`);
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'interpret-child.ts'), '--model', MODEL, '--data', trainDir, '--out', out, '--backend', backendChoice, ...(limit < 60000 ? ['--limit', String(limit)] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>;
    process.stdout.write(`interpret, MNIST train, N = ${r.images} (m = ${r.features}):\n`);
    row('  feature extraction', r.imagesPerSecond, 'images/s', `${(r.featuresMs / 1000).toFixed(1)} s`);
    row('  Gram matrix', r.gramMs, 'ms');
    row('  solver, all classes, non-negative + signed (incl. Gram)', r.solveMs, 'ms');
    row('  feature visualisations', r.visualsMs / 1000, 's');
    row('  interpret end to end', r.totalMs / 1000, 's');
    row('  peak RSS', r.peakRssMB, 'MB', `feature matrix ${r.featureMatrixMB.toFixed(1)} MB`);
  }

  process.stdout.write('\none explanation (forward + 3 guided projections), MNIST LeNet:\n');
  const explanation = await benchExplanation(MODEL, path.join(os.tmpdir(), `vebi-bench-interpret-${fractions[0]}`));
  row('  explanation, warm median', explanation.explainMs, 'ms');

  process.stdout.write('\nreference CNN of environment.md (batch 32, 64x64x3):\n');
  const cnn = await benchReferenceCnn();
  for (const [name, ms] of Object.entries(cnn)) {
    const reference = PYTORCH_CPU_MS[name];
    row(`  ${name}`, ms, 'ms', reference ? `PyTorch CPU ${reference} ms, ratio ${(ms / reference).toFixed(2)}x` : '');
  }

  process.stdout.write('\nsolver, synthetic N = 60,000, m = 448, 10 classes:\n');
  for (const [name, value] of Object.entries(await benchSolver())) row(`  ${name}`, value, '');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
