/**
 * Keeps bench-results/mutation.md: the latest score of each area, the mutants left alive and the
 * ones marked equivalent. The figures live in mutation.json beside it; the page is rebuilt from
 * them, so a run of one area keeps the other areas' rows.
 */
import { promises as fs } from 'node:fs';
import type { AreaScore, MutantLine } from './score';

interface Recorded extends AreaScore {
  date: string;
  cores: number;
}

async function readRecorded(file: string): Promise<Record<string, Recorded>> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, Recorded>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`${file} is not readable JSON (${String(error)}); delete it and rerun the areas`);
  }
}

const mutantList = (lines: MutantLine[], withReason: boolean): string[] =>
  lines.map((m) => `- \`${m.where}\` ${m.mutator}: \`${m.replacement.replace(/`/g, "'")}\`${withReason && m.reason ? ` (${m.reason})` : ''}`);

function render(recorded: Record<string, Recorded>): string {
  const areas = Object.values(recorded).sort((a, b) => a.area.localeCompare(b.area));
  const out = [
    '# Mutation testing',
    '',
    'Written by `npm run test:mutation -- --area NAME` (StrykerJS, TAP runner over `node --test`, TypeScript checker).',
    'Areas and their test files are in `scripts/mutation/areas.ts`. Score = (killed + timed out) / (killed + timed out + survived + no coverage);',
    'mutants marked equivalent in the source (`// Stryker disable next-line <mutator>: <reason>`) are listed below and left out of the score.',
    '',
    '| area | score | target | mutants | killed | timed out | survived | no coverage | equivalent | not compiling | time | date | cores |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...areas.map((s) =>
      `| ${s.area} | ${s.score.toFixed(1)} % ${s.score >= s.target ? 'ok' : '**below**'} | ${s.target} % | ${s.mutants} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.ignored} | ${s.compileErrors} | ${Math.round(s.seconds)} s | ${s.date} | ${s.cores} |`),
    '',
  ];
  for (const s of areas) {
    out.push(`## ${s.area}`, '');
    out.push(s.equivalents.length ? `Equivalent (${s.equivalents.length}):` : 'Equivalent: none.', ...mutantList(s.equivalents, true), '');
    out.push(s.survivors.length ? `Still alive (${s.survivors.length}):` : 'Still alive: none.', ...mutantList(s.survivors, false), '');
  }
  return out.join('\n');
}

export async function recordScores(markdownFile: string, scores: AreaScore[], cores: number): Promise<void> {
  const jsonFile = markdownFile.replace(/\.md$/, '.json');
  const recorded = await readRecorded(jsonFile);
  const date = new Date().toISOString().slice(0, 10);
  for (const score of scores) recorded[score.area] = { ...score, date, cores };
  await fs.writeFile(jsonFile, `${JSON.stringify(recorded, null, 2)}\n`);
  await fs.writeFile(markdownFile, render(recorded));
}
