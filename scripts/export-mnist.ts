/**
 * Writes real MNIST digits as an image-folder dataset (DIR/0 .. DIR/9, one PNG per digit), the
 * layout `vebi interpret --data` reads.
 *
 *   node --import tsx scripts/export-mnist.ts --split train|test --out DIR [--per-class N] [--limit N]
 *
 * Files are named <split>-<index in the split>.png, so a digit can be traced back to MNIST. Re-runs
 * are cheap: after a completed export (marked by a hidden .mnist-export-<split> file, which dataset
 * scans ignore) files already present are kept; files of the same split that this selection no
 * longer contains are removed (only names this script writes; nothing else is touched). Files are
 * written in place, not renamed (that doubled the time); the marker is what makes them trusted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng } from '../src/engine/image';
import { type MnistSplit, readMnist } from './mnist';

export interface ExportMnistOptions {
  split: MnistSplit;
  out: string;
  /** At most this many digits of each class (the first ones in MNIST order). */
  perClass?: number;
  /** At most this many digits in total. */
  limit?: number;
  /** Encodes and writes in flight at once. */
  concurrency?: number;
}

export interface ExportMnistResult {
  out: string;
  perClass: number[];
  written: number;
  kept: number;
  removed: number;
  seconds: number;
}

function fileName(split: MnistSplit, index: number): string {
  return `${split}-${String(index).padStart(5, '0')}.png`;
}

/** Indices of the selected digits, in MNIST order. */
function select(labels: Uint8Array, count: number, perClass: number, limit: number): number[] {
  const taken = new Array<number>(10).fill(0);
  const chosen: number[] = [];
  for (let i = 0; i < count && chosen.length < limit; i++) {
    if (taken[labels[i]] >= perClass) continue;
    taken[labels[i]]++;
    chosen.push(i);
  }
  return chosen;
}

async function existing(dir: string): Promise<Set<string>> {
  try {
    return new Set(await fs.readdir(dir));
  } catch {
    return new Set();
  }
}

export async function exportMnist(options: ExportMnistOptions): Promise<ExportMnistResult> {
  const started = performance.now();
  const out = path.resolve(options.out);
  const { images, labels, count, rows, cols } = readMnist(options.split);
  const chosen = select(labels, count, options.perClass ?? Infinity, options.limit ?? Infinity);
  const size = rows * cols;
  const ours = new RegExp(`^${options.split}-\\d{5}\\.png$`);

  // Per class: what is wanted, what is there, what is stale.
  const wanted = new Map<number, Set<string>>();
  for (const i of chosen) {
    const set = wanted.get(labels[i]) ?? new Set<string>();
    set.add(fileName(options.split, i));
    wanted.set(labels[i], set);
  }
  // Without the marker of a completed run, an existing file may be a truncated leftover: rewrite all.
  const marker = path.join(out, `.mnist-export-${options.split}`);
  const trusted = await fs.stat(marker).then(() => true, () => false);
  await fs.rm(marker, { force: true });
  let removed = 0;
  let kept = 0;
  const present = new Map<number, Set<string>>();
  for (let digit = 0; digit < 10; digit++) {
    const dir = path.join(out, String(digit));
    const have = await existing(dir);
    present.set(digit, have);
    for (const name of have) {
      if (ours.test(name) && !wanted.get(digit)?.has(name)) {
        await fs.unlink(path.join(dir, name));
        removed++;
      }
    }
    if (wanted.has(digit)) await fs.mkdir(dir, { recursive: true });
  }

  const todo = chosen.filter((i) => {
    const have = trusted && (present.get(labels[i])?.has(fileName(options.split, i)) ?? false);
    if (have) kept++;
    return !have;
  });
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = todo[next++];
      const file = path.join(out, String(labels[i]), fileName(options.split, i));
      const png = await encodePng(images.subarray(i * size, (i + 1) * size), cols, rows, 1, { compressionLevel: 6 });
      await fs.writeFile(file, png);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  await fs.mkdir(out, { recursive: true });
  await fs.writeFile(marker, `${JSON.stringify({ split: options.split, count: chosen.length })}\n`);

  const perClass = new Array<number>(10).fill(0);
  for (const i of chosen) perClass[labels[i]]++;
  return { out, perClass, written: todo.length, kept, removed, seconds: (performance.now() - started) / 1000 };
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${value}'.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      split: { type: 'string' },
      out: { type: 'string' },
      'per-class': { type: 'string' },
      limit: { type: 'string' },
    },
  });
  if (values.split !== 'train' && values.split !== 'test') throw new Error("--split must be 'train' or 'test'.");
  if (!values.out) throw new Error('--out DIR is required (the folder that will hold 0/ .. 9/).');
  const result = await exportMnist({ split: values.split, out: values.out, perClass: positive('per-class', values['per-class']), limit: positive('limit', values.limit) });
  const total = result.perClass.reduce((a, b) => a + b, 0);
  process.stdout.write(
    `MNIST ${values.split}: ${total} digits in ${result.out} (per class ${result.perClass.join(' ')}); ` +
      `${result.written} written, ${result.kept} already there, ${result.removed} stale removed, ${result.seconds.toFixed(1)} s\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`export-mnist: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
