/**
 * Test helper: ONNX models written by PyTorch (Debian's python3-torch, python3-torchvision,
 * python3-onnx) with seeded random weights, and PyTorch's logits for them, generated in a temp
 * folder by make_onnx_fixtures.py. Tests skip, saying why, where those packages are absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const PYTHON = '/usr/bin/python3';

/** Why the PyTorch fixtures cannot be made here, or false when they can. */
export function onnxFixturesSkip(): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { stdio: 'ignore' });
    return false;
  } catch {
    return `${PYTHON} lacks torch/torchvision/onnx (apt-get install python3-torch python3-torchvision python3-onnx): PyTorch fixtures skipped`;
  }
}

/** Writes the fixtures for `models` (names in make_onnx_fixtures.py, plus "bad", "external") into a new temp folder. */
export function makeOnnxFixtures(models: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vebi-onnx-'));
  execFileSync(PYTHON, [path.join(__dirname, 'make_onnx_fixtures.py'), dir, ...models], { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}

/** PyTorch's inputs (NCHW unless channelsLast), logits and gradients for a fixture model. */
export interface OnnxReference {
  input: [number, number, number, number];
  inputs: number[];
  logits: number[][];
  /** torch.autograd's gradient of logit `gradientClass` at the first input, NCHW. */
  gradientClass: number;
  gradient: number[];
  /** The same by guided backpropagation (a guided-ReLU autograd function at every ReLU and ReLU6). */
  guided: number[];
  /** A module whose output is one converted layer's, and the gradient of the same logit there (NCHW); null when not computed. */
  inner: string | null;
  innerGradient: number[] | null;
  /** The model takes NHWC images (tf2onnx style); input and input gradients are then NHWC. */
  channelsLast: boolean;
}

export function readReference(onnxFile: string): OnnxReference {
  return JSON.parse(readFileSync(onnxFile.replace(/\.onnx$/, '.json'), 'utf8')) as OnnxReference;
}
