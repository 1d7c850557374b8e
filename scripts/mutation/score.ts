/** The figures of one area's mutation run, from Stryker's mutant results. */
import path from 'node:path';
import type { MutantResult } from '@stryker-mutator/api/core';
import type { MutationArea } from './areas';

export interface MutantLine {
  where: string;
  mutator: string;
  replacement: string;
  reason?: string;
}

export interface AreaScore {
  area: string;
  target: number;
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  compileErrors: number;
  /** Stryker's mutation score: detected / (detected + undetected), in percent. */
  score: number;
  seconds: number;
  survivors: MutantLine[];
  equivalents: MutantLine[];
}

function line(root: string, mutant: MutantResult): MutantLine {
  const file = path.relative(root, path.resolve(root, mutant.fileName));
  return {
    where: `${file}:${mutant.location.start.line}:${mutant.location.start.column}`,
    mutator: mutant.mutatorName,
    replacement: mutant.replacement.replace(/\s+/g, ' ').slice(0, 80),
    reason: mutant.statusReason,
  };
}

export function summarize(area: MutationArea, results: MutantResult[], seconds: number, root = process.cwd()): AreaScore {
  const count = (...statuses: string[]): number => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const undetected = count('Survived', 'NoCoverage');
  return {
    area: area.name,
    target: area.target,
    mutants: results.length,
    killed: count('Killed'),
    timeout: count('Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    ignored: count('Ignored'),
    compileErrors: count('CompileError', 'RuntimeError'),
    score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected),
    seconds,
    survivors: results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage').map((r) => line(root, r)),
    equivalents: results.filter((r) => r.status === 'Ignored').map((r) => line(root, r)),
  };
}
