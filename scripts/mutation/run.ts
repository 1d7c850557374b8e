/**
 * npm run test:mutation -- --area NAME [--area NAME ...] [--concurrency N] [--fresh]
 *
 * Runs StrykerJS on one area at a time (see areas.ts), the TAP runner over `node --test`, the
 * TypeScript checker dropping mutants that do not compile. Reports go to reports/mutation/ (not
 * in git); the score of each area is written to bench-results/mutation.md.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';
import { mutationAreas, type MutationArea } from './areas';
import { summarize, type AreaScore } from './score';
import { recordScores } from './record';

const ROOT = path.resolve(__dirname, '..', '..');

interface Args {
  areas: string[];
  concurrency: number;
  fresh: boolean;
  dryRunOnly: boolean;
}

function parseArgs(argv: string[], known: string[]): Args {
  const args: Args = { areas: [], concurrency: Math.max(1, Math.min(4, os.availableParallelism() - 1 || 1)), fresh: false, dryRunOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--area') args.areas.push(argv[++i] ?? '');
    else if (arg === '--concurrency') args.concurrency = Number(argv[++i]);
    else if (arg === '--fresh') args.fresh = true;
    else if (arg === '--dry-run') args.dryRunOnly = true;
    else throw new Error(`unknown argument "${arg}"; use --area NAME (one of: ${known.join(', ')}, all), --concurrency N, --fresh, --dry-run`);
  }
  if (args.areas.length === 0) throw new Error(`say which area to mutate: --area NAME, one of: ${known.join(', ')}, or --area all`);
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new Error('--concurrency must be a whole number of at least 1');
  if (args.areas.includes('all')) args.areas = known;
  const unknown = args.areas.filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown area ${unknown.map((n) => `"${n}"`).join(', ')}; the areas are: ${known.join(', ')}`);
  return args;
}

function strykerOptions(area: MutationArea, args: Args): PartialStrykerOptions {
  const missing = area.tests.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length) throw new Error(`area "${area.name}" names test files that do not exist: ${missing.join(', ')} (fix scripts/mutation/areas.ts)`);
  const reports = `reports/mutation/${area.name}`;
  return {
    testRunner: 'tap',
    tap: { testFiles: area.tests, nodeArgs: ['--import', 'tsx', '--test-reporter=tap'], forceBail: true },
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: area.mutate,
    coverageAnalysis: 'perTest',
    dryRunOnly: args.dryRunOnly,
    concurrency: args.concurrency,
    // Tests that build models and run the wasm backend need more than Stryker's default slack.
    timeoutMS: 20_000,
    incremental: !args.fresh,
    incrementalFile: `${reports}/incremental.json`,
    reporters: ['html', 'json', 'progress', 'clear-text'],
    htmlReporter: { fileName: `${reports}/index.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true, reportMutants: true },
    tempDirName: `.stryker-tmp/${area.name}`, // one per area: two areas can run at once
    cleanTempDir: true,
    ignorePatterns: ['/.stryker-tmp', '/artifacts', '/data', '/runs', '/dist', '/out', '/reports', '/bench-results', '/.vebi-cache', '/.vscode-test', '/.scratch*', '*.vsix'],
    // LogLevel is a const enum, which tsx cannot inline: its string values are what Stryker reads.
    logLevel: 'info' as PartialStrykerOptions['logLevel'],
    fileLogLevel: 'off' as PartialStrykerOptions['fileLogLevel'],
  };
}

async function runArea(area: MutationArea, args: Args): Promise<AreaScore> {
  console.log(`\n== mutation area "${area.name}": ${area.summary}\n   mutate ${area.mutate.join(' ')}\n   tests ${area.tests.join(' ')}`);
  const started = Date.now();
  // Stryker is ESM-only; this project compiles to CommonJS, so it is imported at run time.
  const strykerCore = '@stryker-mutator/core';
  const { Stryker } = (await import(strykerCore)) as unknown as { Stryker: new (options: PartialStrykerOptions) => { runMutationTest(): Promise<MutantResult[]> } };
  const results = await new Stryker(strykerOptions(area, args)).runMutationTest();
  const score = summarize(area, results, (Date.now() - started) / 1000);
  console.log(`== ${area.name}: score ${score.score.toFixed(1)} % (target ${area.target} %), ${score.killed} killed, ${score.timeout} timed out, ${score.survived} survived, ${score.noCoverage} without coverage, ${score.ignored} ignored as equivalent, ${score.compileErrors} not compiling; ${score.seconds.toFixed(0)} s`);
  return score;
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  // Test files shrink their scale problems under mutation (test/helpers/mutation-scale.ts).
  process.env.VEBI_MUTATION = '1';
  const areas = mutationAreas(ROOT);
  const args = parseArgs(process.argv.slice(2), areas.map((a) => a.name));
  const scores: AreaScore[] = [];
  for (const name of args.areas) {
    const score = await runArea(areas.find((a) => a.name === name)!, args);
    scores.push(score);
    if (!args.dryRunOnly) await recordScores(path.join(ROOT, 'bench-results', 'mutation.md'), [score], os.cpus().length);
  }
  const below = scores.filter((s) => s.score < s.target);
  for (const s of scores) console.log(`${s.area.padEnd(14)} ${s.score.toFixed(1).padStart(5)} %  target ${s.target} %  ${s.seconds.toFixed(0)} s`);
  if (below.length) {
    console.error(`below target: ${below.map((s) => `${s.area} (${s.score.toFixed(1)} % < ${s.target} %)`).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
});
