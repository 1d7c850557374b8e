/** `vebi dataset flowers ...`: generates the an8Flower-style dataset and prints a summary. */
import { VebiError } from '../../shared/errors';
import type { ProgressListener } from '../../shared/progress';
import { FLOWERS_VARIANTS, generateFlowers, type FlowersResult, type FlowersVariant } from '../../engine/datasets';
import { number, parse } from '../args';
import { EXIT } from '../exit-codes';

export const DATASET_USAGE = `vebi dataset flowers --out DIR [--variant ${FLOWERS_VARIANTS.join('|')}] [--per-class N] [--size S] [--seed X] [--json]
  Draws synthetic flowers whose class is fixed by the colour of the petals (single-6c, 6 classes)
  or of the petals and the leaves (double-12c, 12 classes), with the ground-truth mask of those parts.
  Writes DIR/images/<class>/<id>.png, DIR/masks/<class>/<id>.png and DIR/dataset.json.
  Defaults: --variant single-6c --per-class 100 --size 128 --seed 0. Same arguments, same bytes.
`;

export async function runDataset(args: string[], signal: AbortSignal, onProgress?: ProgressListener): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === undefined || kind === '--help' || kind === '-h' || kind === 'help') {
    process.stdout.write(DATASET_USAGE);
    return kind ? EXIT.ok : EXIT.usage;
  }
  if (kind !== 'flowers') throw new VebiError('BAD_ARGUMENT', `Unknown dataset "${kind}". Available: flowers.`);
  const values = parse(rest, {
    variant: { type: 'string' },
    'per-class': { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(DATASET_USAGE);
    return EXIT.ok;
  }
  if (typeof values.out !== 'string' || values.out === '') throw new VebiError('BAD_ARGUMENT', 'Missing --out: the folder to write the dataset into.');
  const result = await generateFlowers(
    {
      variant: (values.variant ?? 'single-6c') as FlowersVariant,
      // Whole numbers and ranges are checked by the engine; here only "is it a number at all".
      perClass: number(values['per-class'], 'per-class') ?? 100,
      size: number(values.size, 'size') ?? 128,
      seed: number(values.seed, 'seed') ?? 0,
      outDir: values.out,
    },
    { signal, onProgress },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir: result.outDir, images: result.images, classes: result.classes.map((c) => c.name), seconds: result.seconds })}\n` : summarize(result));
  return EXIT.ok;
}

function summarize(result: FlowersResult): string {
  const perClass = result.images / result.classes.length;
  return (
    `Wrote ${result.images} flower images (${result.classes.length} classes x ${perClass}) and their ground-truth masks to ${result.outDir} ` +
    `in ${result.seconds.toFixed(1)} s (${result.imagesPerSecond.toFixed(0)} images/s). Classes: ${result.classes.map((c) => c.name).join(', ')}. ` +
    `Use ${result.imagesDir} as --data for "vebi interpret"; masks are in ${result.masksDir}, details in ${result.manifestPath}.\n`
  );
}
