/**
 * The one handle on the webview host. acquireVsCodeApi may be called only once per page, so it is
 * called here and nowhere else; messages going out are typed by the shared panel protocol.
 */
import type { PanelToHost } from '../../src/shared/panel-protocol';
import { parseUiState, type UiState } from './ui-state';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;

export interface PanelHost {
  post(message: PanelToHost): void;
  loadUiState(): UiState;
  saveUiState(state: UiState): void;
}

let api: VsCodeWebviewApi | undefined;

export function connectToHost(): PanelHost {
  api ??= acquireVsCodeApi();
  const host = api;
  return {
    post: (message) => host.postMessage(message),
    loadUiState: () => parseUiState(host.getState()),
    saveUiState: (state) => host.setState(state),
  };
}
