/** Where the extension keeps results in its workspace storage: per model, its latest report, explanations and evaluations. */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { EvaluationKind } from '../shared/evaluation';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export interface StoragePaths {
  cacheDir: string;
  interpretationDir(modelPath: string): string;
  explanationDir(modelPath: string, imagePath: string): string;
  /** The latest run of one evaluation of this model. */
  evaluationDir(modelPath: string, kind: EvaluationKind): string;
}

export function storagePaths(storageDir: string): StoragePaths {
  const modelDir = (modelPath: string) => path.join(storageDir, 'models', shortHash(path.resolve(modelPath)));
  return {
    cacheDir: path.join(storageDir, 'cache'),
    interpretationDir: (modelPath) => path.join(modelDir(modelPath), 'interpretation'),
    explanationDir: (modelPath, imagePath) => path.join(modelDir(modelPath), 'explanations', shortHash(path.resolve(imagePath))),
    evaluationDir: (modelPath, kind) => path.join(modelDir(modelPath), 'evaluations', kind),
  };
}
