/**
 * What the panel shows: the host's PanelState plus the answers to "where is this layer defined?".
 * `applyHostMessage` folds one host message into it and says which part of the page must redraw,
 * so a progress tick does not rebuild the image-heavy views.
 */
import type { HostToPanel, PanelState } from '../../src/shared/panel-protocol';

export interface LayerLocation {
  found: boolean;
  message: string;
}

export interface AppState {
  panel: PanelState;
  locations: Map<string, LayerLocation>;
}

/** Parts of the page a message invalidates. */
export type Change = 'all' | 'progress' | 'error' | 'interpretation' | 'explanation' | 'evaluation' | 'location' | 'view';

export function emptyAppState(): AppState {
  return { panel: { modelPath: '', view: 'overview' }, locations: new Map() };
}

const HOST_TYPES = new Set<string>(['init', 'progress', 'interpretation', 'explanation', 'evaluation', 'error', 'layerLocation', 'show']);

/** Any page may post to the webview window: act only on messages shaped like the host's. */
export function isHostMessage(value: unknown): value is HostToPanel {
  return typeof value === 'object' && value !== null && HOST_TYPES.has(String((value as { type?: unknown }).type));
}

export function applyHostMessage(state: AppState, message: HostToPanel): Change {
  switch (message.type) {
    case 'init':
      state.panel = message.state;
      return 'all';
    case 'progress':
      state.panel.progress = message.event;
      return 'progress';
    case 'interpretation':
      state.panel.interpretation = message.interpretation;
      return 'interpretation';
    case 'explanation':
      state.panel.explanation = message.explanation;
      return 'explanation';
    case 'evaluation':
      state.panel.evaluations = { ...state.panel.evaluations, [message.evaluation.kind]: message.evaluation };
      return 'evaluation';
    case 'error':
      state.panel.error = message.error;
      return 'error';
    case 'layerLocation':
      state.locations.set(message.layer, { found: message.found, message: message.message });
      return 'location';
    case 'show':
      state.panel.view = message.view;
      return 'view';
  }
}
