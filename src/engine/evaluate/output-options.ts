/** What an evaluation's output folder may not replace or sit in: its model, report, data and images. */
import * as path from 'node:path';
import type { AtomicWriteOptions } from '../fs/atomic-folder';
import type { OutputKind } from '../fs/output-manifest';

interface EvaluationInputs {
  modelPath: string;
  reportDir?: string;
  dataDir?: string;
  imagesDir?: string;
  imagePath?: string;
}

export function outputOptions(kind: OutputKind, inputs: EvaluationInputs, signal?: AbortSignal): AtomicWriteOptions {
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  const folders = [inputs.reportDir, inputs.dataDir, inputs.imagesDir].map(resolve);
  return { kind, inputs: [resolve(inputs.modelPath), resolve(inputs.imagePath), ...folders], dataFolders: folders, signal };
}
