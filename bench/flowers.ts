/**
 * The flowers generator's speed: images/s (image + mask written) for both variants at size 128,
 * 50 images per class by default, into a temporary folder that is removed afterwards.
 * Run directly:
 *   node --import tsx bench/flowers.ts [--per-class 50] [--size 128] [--concurrency 4]
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FLOWERS_VARIANTS, generateFlowers, type FlowersVariant } from '../src/engine/datasets';

export interface FlowersBenchRow {
  variant: FlowersVariant;
  images: number;
  seconds: number;
  imagesPerSecond: number;
}

export async function benchFlowers(options: { perClass?: number; size?: number; concurrency?: number } = {}): Promise<FlowersBenchRow[]> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-bench-flowers-'));
  try {
    // Warm-up: the first renders pay for loading librsvg and fontconfig.
    await generateFlowers({ variant: 'single-6c', perClass: 2, size: options.size ?? 128, seed: 0, outDir: path.join(tmp, 'warm-up') });
    const rows: FlowersBenchRow[] = [];
    for (const variant of FLOWERS_VARIANTS) {
      const result = await generateFlowers({ variant, perClass: options.perClass ?? 50, size: options.size ?? 128, seed: 1, outDir: path.join(tmp, variant), concurrency: options.concurrency });
      rows.push({ variant, images: result.images, seconds: result.seconds, imagesPerSecond: result.imagesPerSecond });
    }
    return rows;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, size: { type: 'string' }, concurrency: { type: 'string' } } });
  const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
  const size = num(values.size) ?? 128;
  benchFlowers({ perClass: num(values['per-class']), size, concurrency: num(values.concurrency) }).then(
    (rows) => {
      process.stdout.write(`flowers generator, ${size}x${size}, ${os.cpus().length} CPUs\n`);
      for (const row of rows) process.stdout.write(`${row.variant.padEnd(12)} ${String(row.images).padStart(6)} images ${row.seconds.toFixed(2).padStart(7)} s ${row.imagesPerSecond.toFixed(0).padStart(6)} images/s\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
