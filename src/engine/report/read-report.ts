/** Reads an interpretation report folder back (for explain and the panel), checking it is whole. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import { REPORT_SCHEMA_VERSION } from '../../shared/report';
import type { InterpretReport } from '../../shared/report';

export interface LoadedInterpretation {
  dir: string;
  report: InterpretReport;
  /** m x C row-major. */
  nonNegative: Float32Array;
  signed: Float32Array;
  peakResponses: Float32Array;
}

export async function readInterpretation(reportDir: string): Promise<LoadedInterpretation> {
  const dir = path.resolve(reportDir);
  const file = path.join(dir, 'report.json');
  let report: InterpretReport;
  try {
    report = JSON.parse(await fs.readFile(file, 'utf8')) as InterpretReport;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new VebiError(
      missing ? 'REPORT_NOT_FOUND' : 'REPORT_INVALID',
      missing ? `No report.json in ${dir}. Run "vebi interpret" first and pass its --out folder.` : `${file} is not valid JSON; re-run "vebi interpret".`,
      file,
    );
  }
  if (report.kind !== 'interpretation' || report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new VebiError('REPORT_INVALID', `${file} is not an interpretation report of schema ${REPORT_SCHEMA_VERSION}; re-run "vebi interpret".`, file);
  }
  const { featureCount: m, numClasses } = report.weights;
  const read = async (name: string, length: number) => {
    const target = path.join(dir, name);
    const bytes = await fs.readFile(target).catch(() => {
      throw new VebiError('REPORT_INVALID', `The report file ${target} is missing; re-run "vebi interpret".`, target);
    });
    if (bytes.byteLength !== length * 4) {
      throw new VebiError('REPORT_INVALID', `${target} has ${bytes.byteLength} bytes, expected ${length * 4}; re-run "vebi interpret".`, target);
    }
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
