/** What a view needs from the app shell: the state it draws and the few actions it can take. */
import type { PanelToHost } from '../../src/shared/panel-protocol';
import type { AppState } from './state';
import type { UiState } from './ui-state';

export interface ViewContext {
  readonly state: AppState;
  readonly ui: UiState;
  post(message: PanelToHost): void;
  /** Persist a UI change (opacity, selected class...) without redrawing. */
  updateUi(patch: Partial<UiState>): void;
  /** Switch to the Classes view on this class. */
  showClass(index: number): void;
}
