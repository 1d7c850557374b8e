/**
 * Reads report folders back (for explain, the evaluations, the cache), as untrusted input: every
 * JSON file through its schema, every path it names confined to its folder.
 */
import * as path from 'node:path';
import type { z } from 'zod';
import { VebiError } from '../../shared/errors';
import { EVALUATION_FILES } from '../../shared/evaluation';
import type { EvaluationKind } from '../../shared/evaluation';
import type { ExplanationReport, InterpretReport } from '../../shared/report';
import { evaluationSummarySchema } from '../../shared/schemas/evaluation-summaries';
import type { EvaluationSummary } from '../../shared/schemas/evaluation-summaries';
import { EXPLANATION_REPORT_SCHEMA } from '../../shared/schemas/explanation-report';
import { INTERPRET_REPORT_SCHEMA } from '../../shared/schemas/interpret-report';
import { confinedRealPath } from '../fs/confine';
import { readRegularFile } from '../fs/safe-read';
import { fileIsMissing, parseJsonFile } from './parse-json-file';

export interface LoadedInterpretation {
  dir: string;
  report: InterpretReport;
  /** m x C row-major. */
  nonNegative: Float32Array;
  signed: Float32Array;
  peakResponses: Float32Array;
}

const REINTERPRET = 'Re-run "vebi interpret".';

/** The eval sub-command that writes each summary, for "re-run" hints. */
const EVAL_COMMANDS: Record<EvaluationKind, string> = { comparison: 'compare', localization: 'localization', ablation: 'ablation', sanity: 'sanity' };

/** A report folder's JSON file: REPORT_NOT_FOUND when absent, REPORT_INVALID when not what its schema says. */
async function readReportFile<S extends z.ZodType>(file: string, schema: S, what: string, notFound: string, hint: string): Promise<z.output<S>> {
  if (await fileIsMissing(file)) throw new VebiError('REPORT_NOT_FOUND', notFound, file);
  return parseJsonFile(file, schema, { what, code: 'REPORT_INVALID', hint });
}

export async function readInterpretation(reportDir: string): Promise<LoadedInterpretation> {
  const dir = path.resolve(reportDir);
  const file = path.join(dir, 'report.json');
  const report = await readReportFile(file, INTERPRET_REPORT_SCHEMA, 'Report file', `No report.json in ${dir}. Run "vebi interpret" first and pass its --out folder.`, REINTERPRET);
  const { featureCount: m, numClasses } = report.weights;
  const read = async (rel: string, length: number) => {
    // The schema refused "..", absolute paths and NULs; this also refuses a link that leads outside.
    const target = await confinedRealPath(dir, rel, { code: 'REPORT_INVALID', source: file, hint: REINTERPRET });
    const bytes = await readRegularFile(target, { what: 'The weights file', maxBytes: length * 4, code: 'REPORT_INVALID', tooLargeCode: 'REPORT_INVALID', hint: REINTERPRET });
    if (bytes.byteLength !== length * 4) {
      throw new VebiError('REPORT_INVALID', `The weights file ${target} has ${bytes.byteLength} bytes, expected ${length * 4}. ${REINTERPRET}`, target);
    }
    // A copy: the buffer may be a slice of a shared pool, not aligned for a Float32Array.
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  return {
    dir,
    report,
    nonNegative: await read(report.weights.nonNegative, m * numClasses),
    signed: await read(report.weights.signed, m * numClasses),
    peakResponses: await read(report.weights.peakResponses, m),
  };
}

/** explanation.json of an explanation folder. */
export async function readExplanation(explanationDir: string): Promise<ExplanationReport> {
  const dir = path.resolve(explanationDir);
  return readReportFile(path.join(dir, 'explanation.json'), EXPLANATION_REPORT_SCHEMA, 'Explanation file', `No explanation.json in ${dir}. Run "vebi explain" first.`, 'Re-run "vebi explain".');
}

/** The summary (compare.json, localization.json...) of an evaluation folder. */
export async function readEvaluationSummary<K extends EvaluationKind>(kind: K, evaluationDir: string): Promise<EvaluationSummary<K>> {
  const dir = path.resolve(evaluationDir);
  const name = EVALUATION_FILES[kind];
  const rerun = `"vebi eval ${EVAL_COMMANDS[kind]}"`;
  return readReportFile(path.join(dir, name), evaluationSummarySchema(kind), 'Evaluation summary', `No ${name} in ${dir}. Run ${rerun} first.`, `Re-run ${rerun}.`);
}
