/** The `vebi` command as a user runs it: exit codes, messages, Ctrl-C, nothing half-written. */
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { trainedFixture } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

const CLI = path.resolve(__dirname, '../../src/cli/index.ts');
let fixture: TrainedFixture;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function vebi(args: string[], options: { interruptWhen?: (stderr: string) => boolean } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, XDG_CACHE_HOME: path.join(fixture.root, 'xdg') } });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!interrupted && options.interruptWhen?.(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

before(async () => {
  fixture = await trainedFixture();
});

test('usage errors exit 2 with a message naming the problem', async () => {
  const missing = await vebi(['interpret', '--model', fixture.modelPath]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing --data/);
  const badNumber = await vebi(['interpret', '--model', fixture.modelPath, '--data', fixture.dataDir, '--out', path.join(fixture.root, 'x'), '--mu', 'ten']);
  assert.equal(badNumber.code, 2);
  assert.match(badNumber.stderr, /--mu needs a number/);
  const unknown = await vebi(['frobnicate']);
  assert.equal(unknown.code, 2);
  const help = await vebi(['help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /vebi interpret --model M --data DIR --out DIR/);
});

test('bad inputs exit 3, name the file, and leave no output folder', async () => {
  const out = path.join(fixture.root, 'cli-bad');
  const broken = path.join(fixture.root, 'broken-model');
  await fs.mkdir(broken, { recursive: true });
  await fs.writeFile(path.join(broken, 'model.json'), '{"modelTopology": ');
  const corrupt = await vebi(['interpret', '--model', path.join(broken, 'model.json'), '--data', fixture.dataDir, '--out', out, '--no-cache']);
  assert.equal(corrupt.code, 3);
  assert.match(corrupt.stderr, /broken-model/);

  const twoClasses = path.join(fixture.root, 'two-classes');
  await fs.mkdir(path.join(twoClasses, 'a'), { recursive: true });
  await fs.mkdir(path.join(twoClasses, 'b'), { recursive: true });
  await fs.copyFile(path.join(fixture.dataDir, '0', 'img-0000.png'), path.join(twoClasses, 'a', 'x.png'));
  await fs.copyFile(path.join(fixture.dataDir, '1', 'img-0000.png'), path.join(twoClasses, 'b', 'x.png'));
  const mismatch = await vebi(['interpret', '--model', fixture.modelPath, '--data', twoClasses, '--out', out, '--no-cache']);
  assert.equal(mismatch.code, 3);
  assert.match(mismatch.stderr, /2 class folders but the model predicts 3/);

  const notImage = path.join(fixture.root, 'not-an-image.png');
  await fs.writeFile(notImage, 'hello');
  const explainBad = await vebi(['explain', '--model', fixture.modelPath, '--image', notImage, '--out', out]);
  assert.equal(explainBad.code, 3);
  assert.match(explainBad.stderr, /not-an-image\.png/);

  const noReport = await vebi(['explain', '--model', fixture.modelPath, '--image', path.join(fixture.dataDir, '0', 'img-0000.png'), '--out', out, '--no-cache']);
  assert.equal(noReport.code, 3);
  assert.match(noReport.stderr, /Run "vebi interpret/);
  await assert.rejects(fs.access(out));
});

test('interpret then explain through the cache; Ctrl-C exits 130 and writes nothing', async () => {
  const out = path.join(fixture.root, 'cli-report');
  const ok = await vebi(['interpret', '--model', fixture.modelPath, '--data', fixture.dataDir, '--out', out, '--top-k', '4']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /accuracy/);
  assert.match(ok.stderr, /Extracting internal features: 60\/60 images/);
  await fs.access(path.join(out, 'index.html'));
  // explain without --report finds the cached interpretation of this model.
  const explained = await vebi(['explain', '--model', fixture.modelPath, '--image', path.join(fixture.dataDir, '1', 'img-0002.png'), '--out', path.join(fixture.root, 'cli-explain'), '--json']);
  assert.equal(explained.code, 0, explained.stderr);
  assert.equal(JSON.parse(explained.stdout).outDir, path.join(fixture.root, 'cli-explain'));
  // A baseline method instead of VEBI: its name and settings are in the report, no VEBI features.
  const gradcam = await vebi(['explain', '--model', fixture.modelPath, '--image', path.join(fixture.dataDir, '1', 'img-0002.png'), '--out', path.join(fixture.root, 'cli-gradcam'), '--method', 'gradcam']);
  assert.equal(gradcam.code, 0, gradcam.stderr);
  const gradcamReport = JSON.parse(await fs.readFile(path.join(fixture.root, 'cli-gradcam', 'explanation.json'), 'utf8')) as { method?: { name: string }; features: unknown[] };
  assert.equal(gradcamReport.method?.name, 'gradcam');
  assert.equal(gradcamReport.features.length, 0);
  assert.match(await fs.readFile(path.join(fixture.root, 'cli-gradcam', 'index.html'), 'utf8'), /<h2>Grad-CAM<\/h2>/);
  const unknownMethod = await vebi(['explain', '--model', fixture.modelPath, '--image', path.join(fixture.dataDir, '1', 'img-0002.png'), '--out', path.join(fixture.root, 'cli-x'), '--method', 'lime']);
  assert.equal(unknownMethod.code, 2);
  assert.match(unknownMethod.stderr, /--method must be one of vebi, upsampled-activations/);

  const cancelledOut = path.join(fixture.root, 'cli-cancelled');
  const cancelled = await vebi(['interpret', '--model', fixture.modelPath, '--data', fixture.dataDir, '--out', cancelledOut, '--no-cache', '--batch-size', '2'], {
    interruptWhen: (stderr) => /Extracting internal features/.test(stderr),
  });
  assert.equal(cancelled.code, 130, cancelled.stderr);
  assert.match(cancelled.stderr, /cancelled/i);
  const leftovers = (await fs.readdir(fixture.root)).filter((name) => name.includes('cli-cancelled'));
  assert.deepEqual(leftovers, []);
});
