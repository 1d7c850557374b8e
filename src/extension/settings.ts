/** The extension's settings (contributes.configuration in package.json), read in one place. */
import * as vscode from 'vscode';
import type { BackendChoice, InterpretParams, LabelSource } from '../shared/params';
import { parsePreprocessing } from '../engine/data/preprocess';

export interface VebiSettings {
  params: Partial<InterpretParams>;
  backend: BackendChoice;
  onBadFile: 'skip' | 'fail';
  /** Model path (workspace-relative or absolute) -> labelled folder. */
  dataFolders: Record<string, string>;
}

export function readSettings(): VebiSettings {
  const config = vscode.workspace.getConfiguration('vebi');
  const preprocessing = config.get<string>('preprocessing', '').trim();
  const layers = config.get<string[]>('layers', []);
  return {
    params: {
      mu: config.get<number>('mu', 10),
      topK: config.get<number>('topK', 16),
      labels: config.get<LabelSource>('labels', 'gt'),
      batchSize: config.get<number>('batchSize', 64),
      ...(preprocessing ? { preprocessing: parsePreprocessing(preprocessing) } : {}),
      ...(layers.length ? { layers } : {}),
    },
    backend: config.get<BackendChoice>('backend', 'auto'),
    onBadFile: config.get<'skip' | 'fail'>('onBadFile', 'skip'),
    dataFolders: config.get<Record<string, string>>('dataFolders', {}),
  };
}
