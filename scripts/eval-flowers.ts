/**
 * The an8Flower protocol of method.md section 5, end to end: for each variant and each seed,
 * generate training and held-out flowers (different generator seeds), train the CNN
 * (scripts/train-flowers.ts), interpret it on its training images (mu = 5, the paper's an8Flower
 * setting), then evaluate on the held-out images: feature ablation and localization IoU against the
 * ground-truth masks. Writes results.json and results.md (mean ± std over seeds) into --out.
 *
 *   node --import tsx scripts/eval-flowers.ts [--seeds 5] [--variants single-6c,double-12c]
 *       [--per-class 300] [--test-per-class 50] [--size 64] [--epochs 10] [--mu 5]
 *       [--localization-per-class 20] [--methods vebi,gradcam,...|all] [--no-localization]
 *       [--work runs/flowers-protocol] [--out bench-results/flowers-protocol]
 *
 * Quick check: --seeds 1 --per-class 40 --test-per-class 10 --epochs 3 --localization-per-class 3.
 * Intermediate folders (datasets, models, reports) stay under --work; progress goes to stderr.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateAblation, evaluateLocalization, generateFlowers, interpret } from '../src/engine';
import type { AblationSummary, LocalizationReport } from '../src/shared/evaluation';
import { EXPLANATION_METHODS } from '../src/shared/params';
import type { ProgressEvent } from '../src/shared/progress';
import { writeFilesAtomically } from '../src/engine/fs/atomic-folder';
import { trainFlowers } from './train-flowers';

type Variant = 'single-6c' | 'double-12c';

/** The talk's table: VEBI and the baselines it is compared with. */
const TALK_METHODS = ['vebi', 'upsampled-activations', 'deconvnet', 'guided-backprop', 'gradcam', 'guided-gradcam', 'gradcam-plus-plus', 'guided-gradcam-plus-plus'];

/** Held-out data uses seeds far from the training seeds: the two sets never share a flower. */
const TEST_SEED_OFFSET = 100_000;

interface ProtocolSettings {
  seeds: number[];
  variants: Variant[];
  perClass: number;
  testPerClass: number;
  size: number;
  epochs: number;
  mu: number;
  /** Held-out images per class for the localization evaluation (its methods are the slow part). */
  localizationPerClass: number;
  methods: string[];
  localization: boolean;
}

interface RunResult {
  variant: Variant;
  seed: number;
  trainImages: number;
  testImages: number;
  testAccuracy: number;
  /** Mean number of relevant features per class (mu = settings.mu). */
  relevantPerClass: number;
  seconds: { generate: number; train: number; interpret: number; ablation: number; localization?: number };
  ablation: { intact: number; points: { n: number | 'all'; relevant: number; random: number; randomStd: number }[] };
  localization?: { method: string; meanIoU: number | null; bestThreshold: number | null; bestIoU: number | null }[];
}

const stats = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
};
const pct = (v: { mean: number; std: number }) => `${(100 * v.mean).toFixed(1)} ± ${(100 * v.std).toFixed(1)}`;

/** A progress line every few seconds per stage: long runs show they are alive without flooding. */
function progressLog(prefix: string): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    const now = Date.now();
    if (now - last < 5000 && event.done < event.total) return;
    last = now;
    process.stderr.write(`${prefix} ${event.stage}: ${event.done}/${event.total} ${event.unit}${event.message ? ` (${event.message})` : ''}\n`);
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, (performance.now() - started) / 1000];
}

async function runOne(variant: Variant, seed: number, s: ProtocolSettings, work: string): Promise<RunResult> {
  const dir = path.join(work, variant, `seed-${seed}`);
  const tag = `[${variant} seed ${seed}]`;
  const log = (line: string) => process.stderr.write(`${tag} ${line}\n`);
  await fs.mkdir(dir, { recursive: true });
  const onProgress = progressLog(tag);

  const [, generateSeconds] = await timed(async () => {
    await generateFlowers({ variant, perClass: s.perClass, size: s.size, seed, outDir: path.join(dir, 'train') }, { onProgress });
    await generateFlowers({ variant, perClass: s.testPerClass, size: s.size, seed: seed + TEST_SEED_OFFSET, outDir: path.join(dir, 'test') }, { onProgress });
  });
  const [trained, trainWall] = await timed(() =>
    trainFlowers({ data: path.join(dir, 'train'), test: path.join(dir, 'test'), out: path.join(dir, 'model'), seed, epochs: s.epochs, backend: 'wasm', log }),
  );
  log(`held-out accuracy ${(100 * trained.testAccuracy).toFixed(2)}% (${trained.trainSeconds.toFixed(0)} s training, ${trainWall.toFixed(0)} s with reading)`);
  const [interpretation, interpretSeconds] = await timed(() =>
    interpret({ modelPath: trained.modelPath, dataDir: path.join(dir, 'train', 'images'), outDir: path.join(dir, 'report'), params: { mu: s.mu }, backend: 'wasm', cacheDir: null }, { onProgress }),
  );
  const [ablation, ablationSeconds] = await timed(() =>
    evaluateAblation({ modelPath: trained.modelPath, dataDir: path.join(dir, 'test', 'images'), reportDir: interpretation.outDir, outDir: path.join(dir, 'ablation'), seed, backend: 'wasm' }, { onProgress }),
  );
  const result: RunResult = {
    variant,
    seed,
    trainImages: trained.trainImages,
    testImages: trained.testImages,
    testAccuracy: trained.testAccuracy,
    relevantPerClass: stats(interpretation.report.classes.map((c) => c.relevant.length)).mean,
    seconds: { generate: generateSeconds, train: trained.trainSeconds, interpret: interpretSeconds, ablation: ablationSeconds },
    ablation: ablationFigures(ablation.summary),
  };
  // ---- Localization (method.md 5, the talk's IoU table): evaluateLocalization on the held-out masks.
  if (s.localization) {
    const [localization, localizationSeconds] = await timed(() =>
      evaluateLocalization(
        { modelPath: trained.modelPath, dataDir: path.join(dir, 'test'), reportDir: interpretation.outDir, outDir: path.join(dir, 'localization'), methods: s.methods, maxPerClass: s.localizationPerClass, backend: 'wasm' },
        { onProgress },
      ),
    );
    result.seconds.localization = localizationSeconds;
    result.localization = localizationFigures(localization.summary);
  }
  return result;
}

function ablationFigures(summary: AblationSummary): RunResult['ablation'] {
  return {
    intact: summary.average.baseline.class,
    points: summary.average.points.map((p) => ({ n: p.n, relevant: p.relevant.class, random: p.random.class.mean, randomStd: p.random.class.std })),
  };
}

function localizationFigures(summary: LocalizationReport): NonNullable<RunResult['localization']> {
  return summary.methods.map((m) => ({ method: m.name, meanIoU: m.meanIoU, bestThreshold: m.best?.threshold ?? null, bestIoU: m.best?.iou ?? null }));
}

/** Mean ± std over seeds, per variant: what results.md tabulates. */
function aggregate(runs: RunResult[], variant: Variant) {
  const own = runs.filter((r) => r.variant === variant);
  if (own.length === 0) return undefined;
  const counts = own[0].ablation.points.map((p) => p.n);
  const methods = own[0].localization?.map((l) => l.method) ?? [];
  const finite = (values: (number | null | undefined)[]) => values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return {
    variant,
    seeds: own.map((r) => r.seed),
    testAccuracy: stats(own.map((r) => r.testAccuracy)),
    relevantPerClass: stats(own.map((r) => r.relevantPerClass)),
    trainSeconds: stats(own.map((r) => r.seconds.train)),
    ablation: {
      intact: stats(own.map((r) => r.ablation.intact)),
      points: counts.map((n, i) => ({ n, relevant: stats(own.map((r) => r.ablation.points[i].relevant)), random: stats(own.map((r) => r.ablation.points[i].random)) })),
    },
    localization: methods.map((method) => {
      const values = finite(own.map((r) => r.localization?.find((l) => l.method === method)?.meanIoU));
      const best = finite(own.map((r) => r.localization?.find((l) => l.method === method)?.bestIoU));
      return { method, meanIoU: values.length ? stats(values) : null, bestIoU: best.length ? stats(best) : null };
    }),
  };
}

function markdown(s: ProtocolSettings, runs: RunResult[], totalSeconds: number): string {
  const aggregates = s.variants.map((v) => aggregate(runs, v)).filter((a) => a !== undefined);
  const lines = [
    '# an8Flower-style protocol (method.md section 5)',
    '',
    `${s.seeds.length} seed(s) (${s.seeds.join(', ')}); ${s.perClass} training and ${s.testPerClass} held-out images per class at ${s.size} px; ` +
      `CNN trained ${s.epochs} epochs on wasm; interpretation with mu = ${s.mu} on the training images; evaluations on the held-out images. ` +
      `Figures are mean ± std over seeds. Total ${(totalSeconds / 60).toFixed(1)} min.`,
    '',
    '## Classifiers',
    '',
    '| variant | held-out accuracy (%) | training (s) | relevant features per class |',
    '| --- | ---: | ---: | ---: |',
    ...aggregates.map((a) => `| ${a.variant} | ${pct(a.testAccuracy)} | ${a.trainSeconds.mean.toFixed(0)} ± ${a.trainSeconds.std.toFixed(0)} | ${a.relevantPerClass.mean.toFixed(1)} |`),
    '',
    '## Feature ablation: accuracy (%) on the ablated class, top-n relevant / n random features zeroed',
    '',
  ];
  const counts = aggregates[0]?.ablation.points.map((p) => p.n) ?? [];
  lines.push(`| variant | intact | ${counts.map((n) => `n = ${n}`).join(' | ')} |`, `| --- | ---: | ${counts.map(() => '---:').join(' | ')} |`);
  for (const a of aggregates) lines.push(`| ${a.variant} | ${pct(a.ablation.intact)} | ${a.ablation.points.map((p) => `${pct(p.relevant)} / ${pct(p.random)}`).join(' | ')} |`);
  if (s.localization) {
    const methods = aggregates[0]?.localization.map((l) => l.method) ?? [];
    lines.push(
      '',
      `## Localization: IoU (%) of the binarised explanation with the ground-truth mask (mean over thresholds 0.05..0.95; ${s.localizationPerClass} held-out images per class)`,
      '',
      `| method | ${aggregates.map((a) => a.variant).join(' | ')} | ${aggregates.map((a) => `${a.variant} best-threshold IoU`).join(' | ')} |`,
      `| --- | ${aggregates.map(() => '---:').join(' | ')} | ${aggregates.map(() => '---:').join(' | ')} |`,
    );
    for (const method of methods) {
      const cells = aggregates.map((a) => a.localization.find((l) => l.method === method));
      const fmt = (v: { mean: number; std: number } | null | undefined) => (v ? pct(v) : 'n/a');
      lines.push(`| ${method} | ${cells.map((c) => fmt(c?.meanIoU)).join(' | ')} | ${cells.map((c) => fmt(c?.bestIoU)).join(' | ')} |`);
    }
  }
  lines.push('', '## Runs', '', '| variant | seed | held-out acc. (%) | generate (s) | train (s) | interpret (s) | ablation (s) | localization (s) |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of runs) {
    const t = r.seconds;
    lines.push(`| ${r.variant} | ${r.seed} | ${(100 * r.testAccuracy).toFixed(2)} | ${t.generate.toFixed(0)} | ${t.train.toFixed(0)} | ${t.interpret.toFixed(0)} | ${t.ablation.toFixed(0)} | ${t.localization?.toFixed(0) ?? '-'} |`);
  }
  return `${lines.join('\n')}\n`;
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be a positive integer, got '${value}'.`);
  return n;
}

function settingsFrom(argv: string[]): ProtocolSettings & { work: string; out: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      variants: { type: 'string' },
      'per-class': { type: 'string' },
      'test-per-class': { type: 'string' },
      size: { type: 'string' },
      epochs: { type: 'string' },
      mu: { type: 'string' },
      'localization-per-class': { type: 'string' },
      methods: { type: 'string' },
      'no-localization': { type: 'boolean' },
      work: { type: 'string', default: 'runs/flowers-protocol' },
      out: { type: 'string', default: 'bench-results/flowers-protocol' },
    },
  });
  const variants = (values.variants ?? 'single-6c,double-12c').split(',').map((v) => v.trim());
  for (const v of variants) if (v !== 'single-6c' && v !== 'double-12c') throw new Error(`--variants takes single-6c and/or double-12c, got '${v}'.`);
  const names = EXPLANATION_METHODS.map((m) => m.name as string);
  const methods = values.methods === 'all' ? names : values.methods ? values.methods.split(',').map((m) => m.trim()) : TALK_METHODS;
  for (const m of methods) if (!names.includes(m)) throw new Error(`Unknown method '${m}'; methods: ${names.join(', ')}.`);
  const mu = values.mu === undefined ? 5 : Number(values.mu);
  if (!(mu > 0)) throw new Error(`--mu must be a positive number, got '${values.mu}'.`);
  return {
    seeds: Array.from({ length: positiveInt(values.seeds, 'seeds', 5) }, (_, i) => i + 1),
    variants: variants as Variant[],
    perClass: positiveInt(values['per-class'], 'per-class', 300),
    testPerClass: positiveInt(values['test-per-class'], 'test-per-class', 50),
    size: positiveInt(values.size, 'size', 64),
    epochs: positiveInt(values.epochs, 'epochs', 10),
    mu,
    localizationPerClass: positiveInt(values['localization-per-class'], 'localization-per-class', 20),
    methods,
    localization: !values['no-localization'],
    work: path.resolve(values.work as string),
    out: path.resolve(values.out as string),
  };
}

async function main(): Promise<void> {
  const { work, out, ...settings } = settingsFrom(process.argv.slice(2));
  const started = performance.now();
  const runs: RunResult[] = [];
  for (const variant of settings.variants) {
    for (const seed of settings.seeds) {
      runs.push(await runOne(variant, seed, settings, work));
      // The finished runs so far, so that an interrupted protocol keeps what it measured.
      await fs.writeFile(path.join(work, 'runs.json'), `${JSON.stringify(runs, null, 1)}\n`);
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const results = { settings, totalSeconds, aggregates: settings.variants.map((v) => aggregate(runs, v)), runs };
  const md = markdown(settings, runs, totalSeconds);
  await writeFilesAtomically(out, [
    { name: 'results.json', data: `${JSON.stringify(results, null, 1)}\n` },
    { name: 'results.md', data: md },
  ]);
  process.stdout.write(`${md}\nWrote ${out}/results.json and results.md (${(totalSeconds / 60).toFixed(1)} min)\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval-flowers: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
