/** The `vebi` command: argv -> engine, progress to stderr, results to stdout, documented exit codes. */
import { VebiError, toPlainError } from '../shared/errors';
import { EXPLANATION_METHODS } from '../shared/params';
import type { LabelSource } from '../shared/params';
import { defaultCacheDir, explain, interpret, parsePreprocessing, TOOL } from '../engine';
import type { RunHooks } from '../engine';
import { BACKENDS, number, oneOf, parse, required } from './args';
import { runDataset } from './commands/dataset';
import { runEval } from './commands/eval';
import { EXIT, exitCodeFor } from './exit-codes';
import { progressPrinter } from './progress-printer';
import { summarizeExplanation, summarizeInterpretation } from './summaries';
import { USAGE } from './usage';

const COMMON = {
  model: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT.ok;
  }
  const progress = progressPrinter();
  try {
    if (command === 'interpret') return await runInterpret(rest, signal, progress.onProgress);
    if (command === 'explain') return await runExplain(rest, signal, progress.onProgress);
    if (command === 'eval') return await runEval(rest, signal, progress.onProgress);
    if (command === 'dataset') return await runDataset(rest, signal, progress.onProgress);
    throw new VebiError('BAD_ARGUMENT', `Unknown command "${command}". Commands: interpret, explain, eval, dataset, help.`);
  } catch (error) {
    progress.done();
    const plain = toPlainError(error);
    process.stderr.write(`vebi: ${plain.message}${plain.path && !plain.message.includes(plain.path) ? ` (${plain.path})` : ''}\n`);
    if (plain.code === 'BAD_ARGUMENT') process.stderr.write('Run "vebi help" for usage.\n');
    if (plain.code === 'INTERNAL' && error instanceof Error && process.env.VEBI_DEBUG) process.stderr.write(`${error.stack}\n`);
    return exitCodeFor(plain.code);
  } finally {
    progress.done();
  }
}

/** Warnings go to stderr with the progress, so stdout keeps only the result. */
function printWarning(message: string): void {
  process.stderr.write(`vebi: warning: ${message}\n`);
}

function cacheDirOf(values: Record<string, unknown>): string | null {
  if (values['no-cache']) return null;
  return typeof values['cache-dir'] === 'string' ? values['cache-dir'] : defaultCacheDir();
}

async function runInterpret(args: string[], signal: AbortSignal, onProgress: RunHooks['onProgress']): Promise<number> {
  const values = parse(args, {
    ...COMMON,
    data: { type: 'string' },
    mu: { type: 'string' },
    'top-k': { type: 'string' },
    labels: { type: 'string' },
    'batch-size': { type: 'string' },
    preprocessing: { type: 'string' },
    'on-bad-file': { type: 'string' },
    'no-l2': { type: 'boolean' },
    layers: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const result = await interpret(
    {
      modelPath: required(values.model, 'model'),
      dataDir: required(values.data, 'data'),
      outDir: required(values.out, 'out'),
      params: {
        mu: number(values.mu, 'mu'),
        topK: number(values['top-k'], 'top-k'),
        batchSize: number(values['batch-size'], 'batch-size'),
        labels: oneOf<LabelSource>(values.labels, 'labels', ['gt', 'predicted']),
        preprocessing: typeof values.preprocessing === 'string' ? parsePreprocessing(values.preprocessing) : undefined,
        l2Normalize: values['no-l2'] ? false : undefined,
        layers: typeof values.layers === 'string' ? values.layers.split(',').map((name) => name.trim()).filter(Boolean) : undefined,
      },
      backend: oneOf(values.backend, 'backend', BACKENDS),
      onBadFile: oneOf(values['on-bad-file'], 'on-bad-file', ['skip', 'fail'] as const),
      cacheDir: cacheDirOf(values),
    },
    { signal, onProgress, onWarning: printWarning },
  );
  for (const warning of result.report.warnings ?? []) printWarning(warning);
  process.stdout.write(values.json ? `${JSON.stringify({ outDir: result.outDir, cached: result.cached })}\n` : summarizeInterpretation(result.report, result.outDir, result.cached));
  return EXIT.ok;
}

async function runExplain(args: string[], signal: AbortSignal, onProgress: RunHooks['onProgress']): Promise<number> {
  const values = parse(args, {
    ...COMMON,
    image: { type: 'string' },
    report: { type: 'string' },
    features: { type: 'string' },
    method: { type: 'string' },
    'no-strided-fix': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const result = await explain(
    {
      modelPath: required(values.model, 'model'),
      imagePath: required(values.image, 'image'),
      reportDir: typeof values.report === 'string' ? values.report : undefined,
      outDir: required(values.out, 'out'),
      params: {
        topFeatures: number(values.features, 'features'),
        stridedFix: values['no-strided-fix'] ? false : undefined,
        method: oneOf(values.method, 'method', EXPLANATION_METHODS.map((m) => m.name)),
      },
      backend: oneOf(values.backend, 'backend', BACKENDS),
      cacheDir: cacheDirOf(values),
    },
    { signal, onProgress, onWarning: printWarning },
  );
  process.stdout.write(values.json ? `${JSON.stringify({ outDir: result.outDir })}\n` : summarizeExplanation(result.report, result.outDir));
  return EXIT.ok;
}
