/**
 * `vebi dataset flowers`: renders perClass flowers per class with their masks into
 * DIR/images/<class>/<id>.png and DIR/masks/<class>/<id>.png, plus DIR/dataset.json, all-or-nothing.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cancelledError } from '../../../shared/errors';
import type { ProgressListener } from '../../../shared/progress';
import { writeFolderAtomically } from '../../fs/atomic-folder';
import { RateMeter } from '../../progress/rate-meter';
import { discriminativeParts, flowersClasses, FLOWERS_VARIANTS, type FlowersClass } from './classes';
import { buildManifest, FLOWERS_MANIFEST, type FlowersManifestItem } from './manifest';
import { checkFlowersOptions, type FlowersOptions } from './options';
import { checkOutputTarget } from '../../fs/output-target';
import { runPool } from './pool';
import { mixSeed } from '../../seeded-random';
import { renderFlower } from './render';

export interface FlowersHooks {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface FlowersResult {
  /** Absolute path of the dataset folder. */
  outDir: string;
  /** DIR/images: a class-per-folder dataset for `vebi interpret --data`. */
  imagesDir: string;
  masksDir: string;
  manifestPath: string;
  classes: FlowersClass[];
  images: number;
  seconds: number;
  imagesPerSecond: number;
}

const PROGRESS_INTERVAL_MS = 100;

export async function generateFlowers(options: FlowersOptions, hooks: FlowersHooks = {}): Promise<FlowersResult> {
  const { variant, perClass, size, seed, concurrency } = checkFlowersOptions(options);
  const { signal, onProgress } = hooks;
  if (signal?.aborted) throw cancelledError();
  const outDir = path.resolve(options.outDir);
  const output = { kind: 'dataset', signal } as const;
  await checkOutputTarget(outDir, output);

  const classes = flowersClasses(variant);
  const parts = discriminativeParts(variant);
  const total = classes.length * perClass;
  const idWidth = Math.max(4, String(perClass - 1).length);
  const items = new Array<FlowersManifestItem>(total);
  const meter = new RateMeter(total);
  const start = performance.now();
  let done = 0;
  let lastReport = 0;
  const report = (): void => {
    const now = performance.now();
    if (done < total && done > 0 && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    onProgress?.({ stage: 'generate', unit: 'images', ...meter.update(done), message: `Drawing ${variant} flowers` });
  };

  await writeFolderAtomically(outDir, async (temp) => {
    for (const cls of classes) {
      await fs.mkdir(path.join(temp, 'images', cls.name), { recursive: true });
      await fs.mkdir(path.join(temp, 'masks', cls.name), { recursive: true });
    }
    report();
    await runPool(
      total,
      concurrency,
      async (k) => {
        const cls = classes[Math.floor(k / perClass)];
        const index = k % perClass;
        // One stream per image: the bytes do not depend on which render finishes first.
        const rendered = await renderFlower(cls, parts, size, mixSeed(seed, FLOWERS_VARIANTS.indexOf(variant), cls.index, index));
        const file = `${cls.name}/${String(index).padStart(idWidth, '0')}.png`;
        await Promise.all([fs.writeFile(path.join(temp, 'images', file), rendered.image), fs.writeFile(path.join(temp, 'masks', file), rendered.mask)]);
        items[k] = { image: `images/${file}`, mask: `masks/${file}`, label: cls.index, maskFraction: Math.round(rendered.maskFraction * 1e4) / 1e4 };
        done++;
        report();
      },
      signal,
    );
    const manifest = buildManifest({ variant, classes, parts, perClass, size, seed, items });
    await fs.writeFile(path.join(temp, FLOWERS_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  }, output);

  const seconds = (performance.now() - start) / 1000;
  return {
    outDir,
    imagesDir: path.join(outDir, 'images'),
    masksDir: path.join(outDir, 'masks'),
    manifestPath: path.join(outDir, FLOWERS_MANIFEST),
    classes,
    images: total,
    seconds,
    imagesPerSecond: seconds > 0 ? total / seconds : 0,
  };
}
