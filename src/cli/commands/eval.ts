/**
 * `vebi eval <evaluation>`: the objective evaluations of method.md section 5. One table maps each
 * evaluation name to its handler.
 */
import { VebiError } from '../../shared/errors';
import type { ProgressListener } from '../../shared/progress';
import { evaluateAblation, evaluateLocalization, evaluateSanity } from '../../engine/evaluate';
import type { AblationCount, AblationSummary } from '../../engine/evaluate';
import { BACKENDS, integer, list, number, oneOf, parse, required } from '../args';
import { EXIT } from '../exit-codes';
import { COMPARE_USAGE, runCompare } from './eval-compare';
import { summarizeLocalization, summarizeSanity } from './eval-summaries';

/** Flags every evaluation takes. */
const FLAGS = {
  model: { type: 'string' },
  out: { type: 'string' },
  'max-per-class': { type: 'string' },
  'on-bad-file': { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type EvalHandler = (args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined) => Promise<number>;

const EVALUATIONS: Record<string, { summary: string; run: EvalHandler }> = {
  ablation: { summary: 'accuracy when relevant vs random features are zeroed', run: runAblation },
  localization: { summary: 'IoU of explanations with ground-truth masks', run: runLocalization },
  sanity: { summary: 'explanations under model randomisation', run: runSanity },
  compare: { summary: 'every method on one image, side by side', run: runCompare },
};

export const EVAL_USAGE = `Usage:
  vebi eval ablation --model M --data DIR --report DIR --out DIR [options]
      For each class, zeroes its relevant features (from the interpretation report) and
      measures the accuracy on the labelled folder DIR, against zeroing n random features.
      Writes ablation.json, ablation.md and ablation.png.
        --counts LIST        numbers of features to zero (default 1,2,4,8,16,all)
        --draws N            random draws per count (default 10)
        --seed N             seed of the random draws (default 1)
        --max-per-class N    use at most N images of each class (default all)
        --batch-size N       images per forward pass (default 128)
        --on-bad-file skip|fail
        --backend auto|tensorflow|wasm|cpu
        --json               print ablation.json's averages as JSON

  vebi eval localization --model M --data DIR --report DIR [--out DIR] [options]
      Explains every image of DIR/images/<class>/ with each method and measures the IoU of the
      heatmap (binarised at 0.05, 0.10, ..., 0.95) with its mask DIR/masks/<class>/<same name>
      (white = the part that decides the class; "vebi dataset flowers" writes this layout).
      Writes localization.json and localization.md (default --out ./eval-localization).
        --methods LIST       methods, comma-separated (default all; see "vebi explain --help")
        --target ground-truth|predicted   class explained (default ground-truth)
        --max-per-class N    use at most N images of each class (default all)
        --top-features N     relevant features of VEBI / upsampled activations (default 3)
        --on-bad-file skip|fail
        --backend auto|tensorflow|wasm|cpu
        --json               print localization.json's per-method figures as JSON

  vebi eval sanity --model M --data TRAIN_DIR --images DIR [--out DIR] [options]
      Cascading randomisation (Adebayo et al. 2018): re-initialises the layers with weights from
      the top down, re-fits VEBI on TRAIN_DIR and explains the same images at every step, and
      compares each explanation with the original one (Spearman, SSIM); also the top class
      against the second one. Writes sanity.json, sanity.md and sanity.png
      (default --out ./eval-sanity). Layers (Keras / TF.js layers) models only.
        --methods LIST       methods, comma-separated (default all)
        --num-images N       images of DIR explained, spread over the folder (default 8)
        --seed N             seed of the re-initialised weights (default 1)
        --mu X               VEBI's L1 budget (default 10)
        --labels gt|predicted   labels VEBI is fitted to (default gt)
        --max-per-class N    fit VEBI on at most N images of each class (default all)
        --top-features N     relevant features of VEBI / upsampled activations (default 3)
        --batch-size N       images per forward pass of the fit (default 64)
        --on-bad-file skip|fail
        --backend auto|tensorflow|wasm|cpu
        --json               print sanity.json's per-method figures as JSON

${COMPARE_USAGE}`;

export async function runEval(args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(EVAL_USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const evaluation = EVALUATIONS[name];
  if (!evaluation) throw new VebiError('BAD_ARGUMENT', `Unknown evaluation "${name}". Evaluations: ${Object.keys(EVALUATIONS).join(', ')}.`);
  return evaluation.run(rest, signal, onProgress);
}

export function parseCounts(value: unknown): AblationCount[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'all') return 'all';
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new VebiError('BAD_ARGUMENT', `--counts takes integers >= 0 and "all", separated by commas (got "${s}").`);
      return n;
    });
}

async function runAblation(args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined): Promise<number> {
  const values = parse(args, {
    ...FLAGS,
    data: { type: 'string' },
    report: { type: 'string' },
    counts: { type: 'string' },
    draws: { type: 'string' },
    seed: { type: 'string' },
    'batch-size': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(EVAL_USAGE);
    return EXIT.ok;
  }
  const { summary, outDir } = await evaluateAblation(
    {
      modelPath: required(values.model, 'model'),
      dataDir: required(values.data, 'data'),
      reportDir: required(values.report, 'report'),
      outDir: required(values.out, 'out'),
      counts: parseCounts(values.counts),
      draws: integer(values.draws, 'draws'),
      seed: integer(values.seed, 'seed'),
      maxPerClass: integer(values['max-per-class'], 'max-per-class'),
      batchSize: integer(values['batch-size'], 'batch-size'),
      onBadFile: oneOf(values['on-bad-file'], 'on-bad-file', ['skip', 'fail'] as const),
      backend: oneOf(values.backend, 'backend', BACKENDS),
    },
    { signal, onProgress },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir, baselineAccuracy: summary.baselineAccuracy, average: summary.average })}\n` : summarizeAblation(summary, outDir));
  return EXIT.ok;
}

function summarizeAblation(s: AblationSummary, outDir: string): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines = [
    `Ablation of ${s.classes.length} classes on ${s.data.numImages} images (intact accuracy ${pct(s.baselineAccuracy)}):`,
    '  n      relevant zeroed    random zeroed (mean ± std)   [accuracy on the ablated class]',
    ...s.average.points.map((p) => `  ${String(p.n).padEnd(6)} ${pct(p.relevant.class).padStart(15)}    ${pct(p.random.class.mean).padStart(8)} ± ${pct(p.random.class.std)}`),
    ...s.warnings.map((w) => `Warning: ${w}`),
    `Wrote ${outDir}/ablation.json, ablation.md, ablation.png`,
  ];
  return `${lines.join('\n')}\n`;
}

async function runLocalization(args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined): Promise<number> {
  const values = parse(args, {
    ...FLAGS,
    data: { type: 'string' },
    report: { type: 'string' },
    methods: { type: 'string' },
    target: { type: 'string' },
    'top-features': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(EVAL_USAGE);
    return EXIT.ok;
  }
  const { summary, outDir } = await evaluateLocalization(
    {
      modelPath: required(values.model, 'model'),
      dataDir: required(values.data, 'data'),
      reportDir: required(values.report, 'report'),
      outDir: values.out ?? 'eval-localization',
      methods: list(values.methods),
      target: oneOf(values.target, 'target', ['ground-truth', 'predicted'] as const),
      maxPerClass: integer(values['max-per-class'], 'max-per-class'),
      topFeatures: integer(values['top-features'], 'top-features'),
      onBadFile: oneOf(values['on-bad-file'], 'on-bad-file', ['skip', 'fail'] as const),
      backend: oneOf(values.backend, 'backend', BACKENDS),
    },
    { signal, onProgress },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir, accuracy: summary.accuracy, methods: summary.methods })}\n` : summarizeLocalization(summary, outDir));
  return EXIT.ok;
}

async function runSanity(args: string[], signal: AbortSignal, onProgress: ProgressListener | undefined): Promise<number> {
  const values = parse(args, {
    ...FLAGS,
    data: { type: 'string' },
    images: { type: 'string' },
    methods: { type: 'string' },
    'num-images': { type: 'string' },
    seed: { type: 'string' },
    mu: { type: 'string' },
    labels: { type: 'string' },
    'top-features': { type: 'string' },
    'batch-size': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(EVAL_USAGE);
    return EXIT.ok;
  }
  const { summary, outDir } = await evaluateSanity(
    {
      modelPath: required(values.model, 'model'),
      dataDir: required(values.data, 'data'),
      imagesDir: required(values.images, 'images'),
      outDir: values.out ?? 'eval-sanity',
      methods: list(values.methods),
      numImages: integer(values['num-images'], 'num-images'),
      seed: integer(values.seed, 'seed'),
      params: { mu: number(values.mu, 'mu'), labels: oneOf(values.labels, 'labels', ['gt', 'predicted'] as const), batchSize: integer(values['batch-size'], 'batch-size') },
      maxPerClass: integer(values['max-per-class'], 'max-per-class'),
      topFeatures: integer(values['top-features'], 'top-features'),
      onBadFile: oneOf(values['on-bad-file'], 'on-bad-file', ['skip', 'fail'] as const),
      backend: oneOf(values.backend, 'backend', BACKENDS),
    },
    { signal, onProgress },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir, steps: summary.steps, methods: summary.methods, classSensitivity: summary.classSensitivity })}\n` : summarizeSanity(summary, outDir));
  return EXIT.ok;
}
