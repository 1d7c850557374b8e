/**
 * Bad ONNX files as a user meets them on the command line: every one exits 3 with a message naming
 * the file (and the node, input or weight path at fault), and no output folder is left behind, for
 * interpret, explain and an evaluation alike.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeOnnxFixtures, onnxFixturesSkip } from '../helpers/onnx-fixtures';
import { trainedFixture } from '../helpers/trained-fixture';
import type { TrainedFixture } from '../helpers/trained-fixture';

const CLI = path.resolve(__dirname, '../../src/cli/index.ts');
const skip = onnxFixturesSkip();
let dir = '';
let fixture: TrainedFixture;

interface Run {
  code: number | null;
  stderr: string;
}

function vebi(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'xdg') } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

before(async () => {
  if (skip) return;
  dir = makeOnnxFixtures(['small_cnn:opset13-folded', 'bad']);
  fixture = await trainedFixture();
  const whole = readFileSync(path.join(dir, 'small_cnn-opset13-folded.onnx'));
  writeFileSync(path.join(dir, 'truncated.onnx'), whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(path.join(dir, 'not-protobuf.onnx'), 'name,label\ncat.png,3\n'.repeat(50));
});
after(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Each bad file, and what its message must say beyond the file's name. */
const CASES = [
  { file: 'truncated.onnx', says: /export it again|truncated|not a valid ONNX/i },
  { file: 'not-protobuf.onnx', says: /not a valid ONNX|export it again/i },
  { file: 'bad-foo-op.onnx', says: /"my_foo" \(Foo\)/ },
  { file: 'bad-external-escape.onnx', says: /"\.\.\/x"/ },
  { file: 'refused-two-inputs.onnx', says: /has 2 inputs/ },
  { file: 'refused-feature-map-output.onnx', says: /not a vector of class scores/ },
];

test('interpret: every bad ONNX file exits 3 naming the file and what is wrong, writing nothing', { skip }, async () => {
  for (const { file, says } of CASES) {
    const out = path.join(dir, `out-${file}`);
    const run = await vebi(['interpret', '--model', path.join(dir, file), '--data', fixture.dataDir, '--out', out, '--no-cache']);
    assert.equal(run.code, 3, `${file}: ${run.stderr}`);
    assert.ok(run.stderr.includes(file), `${file}: the message names the file: ${run.stderr}`);
    assert.match(run.stderr, says, file);
    assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, `${file}: no stack trace is shown to the user`);
  }
  const left = (await fs.readdir(dir)).filter((name) => name.startsWith('out-'));
  assert.deepEqual(left, [], 'no output folder (or partial one) is left behind');
});

test('explain and eval on a bad ONNX file exit 3 too, writing nothing', { skip }, async () => {
  // A real report (of another model), so that the model is what is wrong.
  const report = path.join(dir, 'report');
  const interpreted = await vebi(['interpret', '--model', fixture.modelPath, '--data', fixture.dataDir, '--out', report, '--top-k', '2', '--no-cache']);
  assert.equal(interpreted.code, 0, interpreted.stderr);
  const model = path.join(dir, 'bad-foo-op.onnx');
  const image = path.join(fixture.dataDir, '0', 'img-0000.png');
  const explained = await vebi(['explain', '--model', model, '--report', report, '--image', image, '--out', path.join(dir, 'out-explain'), '--method', 'gradcam']);
  assert.equal(explained.code, 3, explained.stderr);
  assert.match(explained.stderr, /bad-foo-op\.onnx[\s\S]*"my_foo" \(Foo\)/);
  const ablation = await vebi(['eval', 'ablation', '--model', model, '--data', fixture.dataDir, '--report', report, '--out', path.join(dir, 'out-ablation')]);
  assert.equal(ablation.code, 3, ablation.stderr);
  assert.match(ablation.stderr, /bad-foo-op\.onnx/);
  const left = (await fs.readdir(dir)).filter((name) => name.startsWith('out-'));
  assert.deepEqual(left, []);
});
