/**
 * Messages between the VS Code extension host and the engine process it starts (one union per
 * direction, string `type` discriminants). Results travel as files: the engine writes a report
 * folder and answers with its path.
 */
import type { PlainError } from './errors';
import type { BackendChoice, ExplainParams, InterpretParams } from './params';
import type { EvaluationKind } from './evaluation';
import type { ProgressEvent } from './progress';

export interface InterpretJob {
  modelPath: string;
  dataDir: string;
  outDir: string;
  params: Partial<InterpretParams>;
  backend: BackendChoice;
  onBadFile: 'skip' | 'fail';
  /** The engine's result cache; null disables it. */
  cacheDir: string | null;
}

export interface ExplainJob {
  modelPath: string;
  imagePath: string;
  reportDir: string;
  outDir: string;
  params: Partial<ExplainParams>;
  backend: BackendChoice;
}

/** One evaluation of the panel's Evaluation view; which inputs it reads depends on `kind`. */
export interface EvaluateJob {
  kind: EvaluationKind;
  modelPath: string;
  /** The model's interpretation (VEBI's weights). */
  reportDir: string;
  outDir: string;
  /** comparison: the image. */
  imagePath?: string;
  /** localization: images/ + masks/; ablation: labelled images; sanity: the training folder VEBI is re-fitted on. */
  dataDir?: string;
  /** At most this many images per class (ablation, sanity's re-fits, localization). */
  maxPerClass?: number;
  backend: BackendChoice;
}

/** Export Report: the interpretation (and the explanations folder, if any) copied into `outDir`. */
export interface ExportJob {
  reportDir: string;
  explanationsDir?: string;
  outDir: string;
}

/** What the extension needs to know about a model before a run (to rank data folders): no images read. */
export interface InspectJob {
  modelPath: string;
  backend: BackendChoice;
}

/** Generate the an8Flower-style benchmark (images/, masks/, dataset.json) into `outDir`. */
export interface FlowersJob {
  outDir: string;
  variant: 'single-6c' | 'double-12c';
  perClass: number;
  size: number;
  seed: number;
}

export type EngineRequest =
  | { type: 'inspect'; id: number; job: InspectJob }
  | { type: 'flowers'; id: number; job: FlowersJob }
  | { type: 'interpret'; id: number; job: InterpretJob }
  | { type: 'explain'; id: number; job: ExplainJob }
  | { type: 'evaluate'; id: number; job: EvaluateJob }
  | { type: 'export'; id: number; job: ExportJob }
  | { type: 'cancel'; id: number };

export type EngineResult =
  | { kind: 'model'; numClasses: number; inputShape: number[] }
  | { kind: 'flowers'; outDir: string; images: number; classes: string[] }
  | { kind: 'interpretation'; outDir: string; cached: boolean; backend: string }
  | { kind: 'explanation'; outDir: string; backend: string }
  | { kind: 'evaluation'; evaluation: EvaluationKind; outDir: string; backend: string }
  | { kind: 'export'; outDir: string };

export type EngineEvent =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; id: number; event: ProgressEvent }
  /** Something the user should know that did not stop the job (a damaged cache entry dropped...). */
  | { type: 'warning'; id: number; message: string }
  | { type: 'done'; id: number; result: EngineResult; peakRssMB: number }
  | { type: 'failed'; id: number; error: PlainError };

export function isEngineEvent(value: unknown): value is EngineEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'progress' || type === 'warning' || type === 'done' || type === 'failed';
}

export function isEngineRequest(value: unknown): value is EngineRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return (type === 'inspect' || type === 'flowers' || type === 'interpret' || type === 'explain' || type === 'evaluate' || type === 'export' || type === 'cancel') && typeof id === 'number';
}
