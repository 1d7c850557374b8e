/**
 * Small UI state kept by VS Code across hide/show and reloads (getState/setState). It is read back
 * from storage written by an older build, so it is checked field by field.
 */
import type { PanelView } from '../../src/shared/panel-protocol';

export interface UiState {
  view: PanelView;
  /** Opacity of the heatmap over the input image, 0..1. */
  opacity: number;
  /** Index of the class shown in the Classes view. */
  selectedClass: number;
  /** Scroll position of each view, in pixels. */
  scroll: Record<PanelView, number>;
  /** Dataset-relative path last chosen in the Explain view's picker. */
  datasetImage?: string;
  /** The panel's model: after a window reload the host reopens the panel on it (not on the last model used). */
  modelPath?: string;
}

export const PANEL_VIEWS: readonly PanelView[] = ['overview', 'classes', 'explain', 'evaluation'];

export const DEFAULT_UI_STATE: UiState = { view: 'overview', opacity: 0.6, selectedClass: 0, scroll: { overview: 0, classes: 0, explain: 0, evaluation: 0 } };

export function isPanelView(value: unknown): value is PanelView {
  return typeof value === 'string' && (PANEL_VIEWS as readonly string[]).includes(value);
}

function finite(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export function parseUiState(raw: unknown): UiState {
  if (typeof raw !== 'object' || raw === null) return structuredClone(DEFAULT_UI_STATE);
  const value = raw as Record<string, unknown>;
  const scroll = (typeof value.scroll === 'object' && value.scroll !== null ? value.scroll : {}) as Record<string, unknown>;
  return {
    view: isPanelView(value.view) ? value.view : DEFAULT_UI_STATE.view,
    opacity: finite(value.opacity, DEFAULT_UI_STATE.opacity, 0, 1),
    selectedClass: Math.round(finite(value.selectedClass, 0, 0, Number.MAX_SAFE_INTEGER)),
    scroll: {
      overview: finite(scroll.overview, 0, 0, Number.MAX_SAFE_INTEGER),
      classes: finite(scroll.classes, 0, 0, Number.MAX_SAFE_INTEGER),
      explain: finite(scroll.explain, 0, 0, Number.MAX_SAFE_INTEGER),
      evaluation: finite(scroll.evaluation, 0, 0, Number.MAX_SAFE_INTEGER),
    },
    datasetImage: typeof value.datasetImage === 'string' ? value.datasetImage : undefined,
    modelPath: typeof value.modelPath === 'string' && value.modelPath.length > 0 ? value.modelPath : undefined,
  };
}
