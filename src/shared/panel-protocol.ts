/**
 * Messages between the extension host and the VEBI panel (webview). The webview never computes:
 * it shows reports the engine wrote. Image paths in reports are relative to their folder; the host
 * sends each folder's webview URI (`base`) and the webview joins `${base}/${relativePath}`.
 */
import type { PlainError } from './errors';
import { EVALUATION_KINDS } from './evaluation';
import type { AblationSummary, ComparisonReport, EvaluationKind, LocalizationReport, SanityReport } from './evaluation';
import type { ProgressEvent } from './progress';
import type { ExplanationReport, InterpretReport } from './report';

export type PanelView = 'overview' | 'classes' | 'explain' | 'evaluation';

/** An evaluation's summary (its JSON file) and the webview URI of its folder. */
export type ShownEvaluation =
  | { kind: 'comparison'; summary: ComparisonReport; base: string }
  | { kind: 'localization'; summary: LocalizationReport; base: string }
  | { kind: 'ablation'; summary: AblationSummary; base: string }
  | { kind: 'sanity'; summary: SanityReport; base: string };

/** The latest result of each evaluation. */
export type ShownEvaluations = { [K in EvaluationKind]?: Extract<ShownEvaluation, { kind: K }> };

export interface ShownInterpretation {
  report: InterpretReport;
  /** Webview URI of the report folder. */
  base: string;
  /** True when the result came from the cache. */
  cached: boolean;
  /** The data folder as the user knows it (workspace-relative when inside the workspace). */
  dataLabel?: string;
}

export interface ShownExplanation {
  report: ExplanationReport;
  base: string;
}

/** Everything the panel needs to draw itself; also what the serializer restores after a reload. */
export interface PanelState {
  /** The model this panel is about (absolute path). */
  modelPath: string;
  interpretation?: ShownInterpretation;
  explanation?: ShownExplanation;
  evaluations?: ShownEvaluations;
  /** A run in progress, if any. */
  progress?: ProgressEvent;
  error?: PlainError;
  view: PanelView;
  /** Why the panel has no results although it had some (the cached results were cleared). */
  notice?: string;
}

export type HostToPanel =
  | { type: 'init'; state: PanelState }
  | { type: 'progress'; event: ProgressEvent | undefined }
  | { type: 'interpretation'; interpretation: ShownInterpretation }
  | { type: 'explanation'; explanation: ShownExplanation }
  | { type: 'evaluation'; evaluation: ShownEvaluation }
  | { type: 'error'; error: PlainError | undefined }
  | { type: 'layerLocation'; layer: string; found: boolean; message: string }
  | { type: 'show'; view: PanelView };

/** Asked of a panel that has not said 'ready' since it was shown; a live page answers 'alive'. */
export const PING: { type: 'ping' } = { type: 'ping' };

export type PanelToHost =
  | { type: 'ready' }
  | { type: 'alive' }
  | { type: 'pickImage' }
  /** An image of the interpreted folder, by its dataset-relative path. */
  | { type: 'explainDatasetImage'; relPath: string }
  /** A file dropped on the panel (a URI string from the drop's text/uri-list). */
  | { type: 'explainUri'; uri: string }
  | { type: 'revealLayer'; layer: string }
  | { type: 'rerun' }
  /** Interpret again on another data folder (the host asks which). */
  | { type: 'changeDataFolder' }
  | { type: 'cancel' }
  | { type: 'exportReport' }
  /** Run an evaluation (the host asks for what it needs: an image, a folder). */
  | { type: 'evaluate'; kind: EvaluationKind }
  | { type: 'viewChanged'; view: PanelView };

const PANEL_TO_HOST_TYPES = new Set(['ready', 'alive', 'pickImage', 'explainDatasetImage', 'explainUri', 'revealLayer', 'rerun', 'changeDataFolder', 'cancel', 'exportReport', 'evaluate', 'viewChanged']);
const PANEL_VIEWS: readonly PanelView[] = ['overview', 'classes', 'explain', 'evaluation'];

/** Webview messages are untrusted input: check the shape before acting on one. */
export function parsePanelMessage(value: unknown): PanelToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string' || !PANEL_TO_HOST_TYPES.has(message.type)) return undefined;
  const text = (key: string) => typeof message[key] === 'string' && (message[key] as string).length > 0 && (message[key] as string).length < 4096;
  switch (message.type) {
    case 'explainDatasetImage':
      return text('relPath') ? { type: 'explainDatasetImage', relPath: message.relPath as string } : undefined;
    case 'explainUri':
      return text('uri') ? { type: 'explainUri', uri: message.uri as string } : undefined;
    case 'revealLayer':
      return text('layer') ? { type: 'revealLayer', layer: message.layer as string } : undefined;
    case 'viewChanged':
      return PANEL_VIEWS.includes(message.view as PanelView) ? { type: 'viewChanged', view: message.view as PanelView } : undefined;
    case 'evaluate':
      return EVALUATION_KINDS.includes(message.kind as EvaluationKind) ? { type: 'evaluate', kind: message.kind as EvaluationKind } : undefined;
    default:
      return { type: message.type } as PanelToHost;
  }
}
