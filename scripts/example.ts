/**
 * The main job on the bundled example: exports real MNIST digits as PNG folders, interprets the
 * bundled LeNet (examples/mnist-lenet) on them, and explains a few test digits.
 *
 *   npm run example [-- --per-class 200 --explain 3]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { main as cli } from '../src/cli/main';
import { exportMnist } from './export-mnist';

async function run(): Promise<number> {
  const { values } = parseArgs({ options: { 'per-class': { type: 'string', default: '200' }, explain: { type: 'string', default: '3' }, backend: { type: 'string', default: 'auto' } } });
  const root = path.resolve(__dirname, '..');
  const model = path.join(root, 'examples/mnist-lenet/model.json');
  const trainDir = path.join(root, 'data/mnist-train-sample');
  const testDir = path.join(root, 'data/mnist-test-sample');
  const perClass = Number(values['per-class']);
  await exportMnist({ split: 'train', out: trainDir, perClass });
  await exportMnist({ split: 'test', out: testDir, perClass: 2 });
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  const backend = ['--backend', String(values.backend)];
  const report = path.join(root, 'runs/mnist-interpret');
  let code = await cli(['interpret', '--model', model, '--data', trainDir, '--out', report, ...backend], controller.signal);
  if (code !== 0) return code;
  const digits = (await fs.readdir(testDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort().slice(0, Number(values.explain));
  for (const digit of digits) {
    const image = path.join(testDir, digit, (await fs.readdir(path.join(testDir, digit))).filter((f) => f.endsWith('.png')).sort()[0]);
    code = await cli(['explain', '--model', model, '--image', image, '--report', report, '--out', path.join(root, `runs/mnist-explain-${digit}`), ...backend], controller.signal);
    if (code !== 0) return code;
  }
  process.stdout.write(`\nOpen ${path.join(report, 'index.html')} and runs/mnist-explain-*/index.html in a browser.\n`);
  return 0;
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`example: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
