/**
 * Export Report: a model's interpretation (and its explanations, if any) copied into a folder the
 * user chose, through the same checks as every output: never over an input or a folder VEBI did
 * not write, all-or-nothing, only files and folders copied.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RunHooks } from '../interpret/interpret';
import { writeFolderAtomically } from '../fs/atomic-folder';
import { copyTree } from '../fs/copy-tree';
import { checkOutputTarget } from '../fs/output-target';
import { readInterpretation } from '../report/read-report';

export interface ExportOptions {
  /** The interpretation report folder. */
  reportDir: string;
  /** A folder of explanation folders, copied to <out>/explanations when it exists. */
  explanationsDir?: string;
  outDir: string;
}

export async function exportReport(options: ExportOptions, hooks: RunHooks = {}): Promise<{ outDir: string }> {
  const outDir = path.resolve(options.outDir);
  const reportDir = path.resolve(options.reportDir);
  const explanations = options.explanationsDir ? path.resolve(options.explanationsDir) : undefined;
  const output = { kind: 'export', inputs: [reportDir, explanations], dataFolders: [reportDir, explanations], signal: hooks.signal, flag: 'The export folder' } as const;
  await checkOutputTarget(outDir, output);
  await readInterpretation(reportDir); // a damaged report is refused, not exported
  const hasExplanations = explanations !== undefined && (await fs.lstat(explanations).then((s) => s.isDirectory(), () => false));
  await writeFolderAtomically(
    outDir,
    async (temp) => {
      await copyTree(reportDir, temp, hooks.signal);
      if (hasExplanations) {
        await fs.mkdir(path.join(temp, 'explanations'));
        await copyTree(explanations, path.join(temp, 'explanations'), hooks.signal);
      }
    },
    output,
  );
  return { outDir };
}
