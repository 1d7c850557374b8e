/**
 * The panel's shell: header with actions, progress strip, error banner and the four views in
 * tabs. Host messages update only the parts they change; UI state (view, scroll, opacity,
 * selected class) is saved through the host on every change.
 */
import type { HostToPanel, PanelView } from '../../src/shared/panel-protocol';
import { h } from './dom';
import { modelLabel } from './format';
import { createErrorBanner } from './components/error-banner';
import { updateLayerLocations } from './components/layer-link';
import { createProgressStrip } from './components/progress-strip';
import { applyHostMessage, emptyAppState, type AppState } from './state';
import { PANEL_VIEWS, type UiState } from './ui-state';
import type { PanelHost } from './vscode-api';
import type { ViewContext } from './view-context';
import { classesView } from './views/classes';
import { emptyState } from './views/empty-state';
import { evaluationView } from './views/evaluation';
import { explainView } from './views/explain';
import { overviewView } from './views/overview';

const VIEW_TITLES: Record<PanelView, string> = { overview: 'Overview', classes: 'Classes', explain: 'Explain', evaluation: 'Evaluation' };
const RENDERERS: Record<PanelView, (ctx: ViewContext) => HTMLElement> = { overview: overviewView, classes: classesView, explain: explainView, evaluation: evaluationView };

export class PanelApp implements ViewContext {
  readonly state: AppState = emptyAppState();
  readonly ui: UiState;
  private readonly title = h('span', { class: 'app-header__model' });
  private readonly rerun = h('vscode-button', { secondary: true, 'data-testid': 'rerun', title: 'Interpret the model again' }, 'Re-run');
  private readonly exportButton = h('vscode-button', { secondary: true, 'data-testid': 'export', title: 'Save the report folder elsewhere' }, 'Export report');
  private readonly progress = createProgressStrip(() => this.post({ type: 'cancel' }));
  private readonly error = createErrorBanner();
  private readonly main = h('main', { class: 'app-main' });
  private readonly tabs = h('vscode-tabs', { class: 'app-tabs' });
  private readonly panels = new Map<PanelView, HTMLElement>();
  private saveTimer: number | undefined;
  private initialised = false;

  constructor(private readonly root: HTMLElement, private readonly host: PanelHost) {
    this.ui = host.loadUiState();
    this.state.panel.view = this.ui.view;
    for (const view of PANEL_VIEWS) {
      this.tabs.appendChild(h('vscode-tab-header', { slot: 'header', 'data-view': view }, VIEW_TITLES[view]));
      const panel = h('div', { class: 'tab-content', 'data-view': view });
      this.panels.set(view, panel);
      this.tabs.appendChild(h('vscode-tab-panel', { 'data-view': view }, panel));
    }
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const view = PANEL_VIEWS[event.detail.selectedIndex];
      if (view && view !== this.state.panel.view) this.setView(view, true);
    });
    this.rerun.addEventListener('click', () => this.post({ type: 'rerun' }));
    this.exportButton.addEventListener('click', () => this.post({ type: 'exportReport' }));
    window.addEventListener('scroll', () => this.rememberScroll(), { passive: true });
    root.replaceChildren(
      h('header', { class: 'app-header' }, h('h1', { class: 'app-header__title' }, 'VEBI', this.title), h('div', { class: 'app-header__actions' }, this.rerun, this.exportButton)),
      h('div', { class: 'app-status' }, this.progress.element, this.error.element),
      this.main,
    );
    this.main.appendChild(h('p', { class: 'muted' }, 'Loading\u2026'));
  }

  post: ViewContext['post'] = (message) => this.host.post(message);

  updateUi(patch: Partial<UiState>): void {
    Object.assign(this.ui, patch);
    // setState is cheap, but scroll and slider events come in bursts.
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.host.saveUiState(this.ui), 150);
  }

  showClass(index: number): void {
    this.updateUi({ selectedClass: index, scroll: { ...this.ui.scroll, classes: 0 } });
    this.renderView('classes');
    this.setView('classes', true);
  }

  handle(message: HostToPanel): void {
    const change = applyHostMessage(this.state, message);
    switch (change) {
      case 'all':
        this.initialised = true;
        // Kept in the webview's saved state: the host's serializer reopens this panel on its own model.
        if (this.state.panel.modelPath && this.ui.modelPath !== this.state.panel.modelPath) this.updateUi({ modelPath: this.state.panel.modelPath });
        this.renderAll();
        return;
      case 'progress':
        this.progress.update(this.state.panel.progress);
        this.updateHeader();
        if (!this.hasResults()) this.renderMain();
        // The evaluation run buttons wait while something runs (no redraw: the view is image-heavy).
        for (const button of this.panels.get('evaluation')?.querySelectorAll('[data-evaluate]') ?? []) button.toggleAttribute('disabled', this.state.panel.progress !== undefined);
        return;
      case 'error':
        this.error.update(this.state.panel.error);
        return;
      case 'interpretation':
        this.renderMain();
        return;
      case 'explanation':
        // A new explanation starts at its top: its prediction and any warning, not the old scroll position.
        this.updateUi({ scroll: { ...this.ui.scroll, explain: 0 } });
        this.renderMain();
        return;
      case 'evaluation':
        this.renderView('evaluation');
        return;
      case 'location':
        if (message.type === 'layerLocation') updateLayerLocations(this.root, message.layer, { found: message.found, message: message.message });
        return;
      case 'view':
        this.setView(this.state.panel.view, false);
        return;
    }
  }

  private hasResults(): boolean {
    return this.state.panel.interpretation !== undefined || this.state.panel.explanation !== undefined;
  }

  private renderAll(): void {
    this.progress.update(this.state.panel.progress);
    this.error.update(this.state.panel.error);
    this.renderMain();
  }

  private updateHeader(): void {
    const { panel } = this.state;
    // The panel's own model: a cached report may name another file with the same content.
    const model = panel.modelPath || panel.interpretation?.report.model.path;
    this.title.textContent = model ? ` \u2014 ${modelLabel(model)}` : '';
    this.title.title = model ?? '';
    const running = panel.progress !== undefined;
    this.rerun.disabled = running || !panel.modelPath;
    this.exportButton.disabled = !this.hasResults();
  }

  private renderMain(): void {
    this.updateHeader();
    if (!this.initialised) return;
    if (!this.hasResults()) {
      this.main.replaceChildren(emptyState(this, 'overview'));
      return;
    }
    for (const view of PANEL_VIEWS) this.renderView(view);
    if (this.tabs.parentElement !== this.main) this.main.replaceChildren(this.tabs);
    this.setView(this.state.panel.view, false);
  }

  private renderView(view: PanelView): void {
    this.panels.get(view)?.replaceChildren(RENDERERS[view](this));
  }

  private setView(view: PanelView, fromUser: boolean): void {
    const index = PANEL_VIEWS.indexOf(view);
    this.state.panel.view = view;
    if (this.tabs.selectedIndex !== index) this.tabs.selectedIndex = index;
    this.updateUi({ view });
    if (fromUser) this.post({ type: 'viewChanged', view });
    this.restoreScroll(view);
  }

  private rememberScroll(): void {
    if (!this.initialised) return;
    this.updateUi({ scroll: { ...this.ui.scroll, [this.state.panel.view]: window.scrollY } });
  }

  /** After layout (and again once images have sized the page), so long views come back where they were. */
  private restoreScroll(view: PanelView): void {
    const target = this.ui.scroll[view];
    const apply = () => {
      if (this.state.panel.view === view) window.scrollTo({ top: target });
    };
    requestAnimationFrame(apply);
    const images = [...(this.panels.get(view)?.querySelectorAll('img') ?? [])].filter((img) => !img.complete);
    if (target > 0 && images.length) Promise.allSettled(images.map((img) => img.decode())).then(apply, apply);
  }
}
