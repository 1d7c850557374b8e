/** Progress as the engine reports it; front doors decide how to show it. */
export type Stage = 'load' | 'features' | 'solve' | 'interpret' | 'explain' | 'evaluate' | 'generate' | 'write';

export interface ProgressEvent {
  stage: Stage;
  /** Units done so far in this stage (images, classes, features). */
  done: number;
  total: number;
  unit: 'images' | 'classes' | 'features' | 'files' | 'steps';
  /** Units per second over the stage so far, when meaningful. */
  rate?: number;
  /** Seconds left in this stage at the current rate. */
  etaSeconds?: number;
  message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const STAGE_TITLES: Record<Stage, string> = {
  load: 'Loading model and data',
  features: 'Extracting internal features',
  solve: 'Finding relevant features',
  interpret: 'Visualising relevant features',
  explain: 'Explaining',
  evaluate: 'Evaluating explanations',
  generate: 'Generating images',
  write: 'Writing report',
};
