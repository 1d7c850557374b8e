/**
 * The VEBI panel beside the editor: one per model. Holds the PanelState the webview draws, sends
 * it on the webview's `ready` (first load, re-show, window reload), and forwards checked webview
 * messages to the controller.
 */
import * as vscode from 'vscode';
import type { PlainError } from '../../shared/errors';
import { parsePanelMessage, PING } from '../../shared/panel-protocol';
import type { HostToPanel, PanelState, PanelToHost, PanelView, ShownEvaluation, ShownExplanation, ShownInterpretation } from '../../shared/panel-protocol';
import type { ProgressEvent } from '../../shared/progress';
import type { ExplanationReport, InterpretReport } from '../../shared/report';
import { LoadWatchdog } from './load-watchdog';
import { buildPanelHtml } from './panel-html';
import { panelLabel } from './panel-label';

export const PANEL_VIEW_TYPE = 'vebi.panel';

/** A page normally loads in well under a second; a loaded machine can take a few. */
const PAGE_LOAD_LIMITS = { loadTimeoutMs: 8_000, answerTimeoutMs: 3_000, maxRebuilds: 3 };

export type PanelMessageHandler = (panel: VebiPanel, message: PanelToHost) => void;

export class VebiPanel {
  private state: PanelState;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private webviewPanel: vscode.WebviewPanel;
  private readonly watchdog: LoadWatchdog;
  /** Called once the panel is closed. */
  onDidDispose?: () => void;
  /** Called when a page that never loaded is rebuilt (for the output channel). */
  onDidRebuild?: () => void;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    readonly modelPath: string,
    private readonly modelStorage: vscode.Uri,
    private readonly onMessage: PanelMessageHandler,
  ) {
    this.state = { modelPath, view: 'overview' };
    this.webviewPanel = panel;
    this.watchdog = new LoadWatchdog({
      ...PAGE_LOAD_LIMITS,
      isVisible: () => this.webviewPanel.visible,
      ping: () => void this.webviewPanel.webview.postMessage(PING),
      rebuild: () => this.rebuild(),
    });
    this.attach(panel);
  }

  /** The VS Code panel showing this model now (a rebuilt page is a new one). */
  get panel(): vscode.WebviewPanel {
    return this.webviewPanel;
  }

  private attach(panel: vscode.WebviewPanel): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist, media, this.modelStorage] };
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.svg');
    panel.webview.html = buildPanelHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
      title: panel.title,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parsePanelMessage(raw);
        if (!message) return; // untrusted input of an unknown shape: ignore
        if (message.type === 'ready' || message.type === 'alive') this.watchdog.loaded();
        if (message.type === 'alive') return;
        if (message.type === 'ready') {
          this.ready = true;
          void this.post({ type: 'init', state: this.state });
          return;
        }
        if (message.type === 'viewChanged') this.state.view = message.view;
        this.onMessage(this, message);
      }),
      // Without retainContextWhenHidden the page is dropped when hidden and loaded again when shown.
      panel.onDidChangeViewState(({ webviewPanel }) => (webviewPanel.visible ? this.watchdog.shown() : this.watchdog.hidden())),
      panel.onDidDispose(() => this.dispose()),
    );
    if (panel.visible) this.watchdog.shown();
  }

  /** A page that never loaded: the same panel again, in the same place, on a fresh page. */
  private rebuild(): void {
    const old = this.webviewPanel;
    const fresh = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, old.title, { viewColumn: old.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: !old.active }, {});
    for (const d of this.disposables.splice(0)) d.dispose(); // the old panel's close must not close this one
    this.ready = false;
    this.webviewPanel = fresh;
    this.attach(fresh);
    old.dispose();
    this.onDidRebuild?.();
  }

  static create(extensionUri: vscode.Uri, modelPath: string, modelStorage: vscode.Uri, onMessage: PanelMessageHandler): VebiPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, panelTitle(modelPath), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    return new VebiPanel(panel, extensionUri, modelPath, modelStorage, onMessage);
  }

  reveal(): void {
    this.webviewPanel.reveal(this.webviewPanel.viewColumn ?? vscode.ViewColumn.Beside, true); // stay in its group
  }

  /** Drops every result shown (their files are gone) and says why; a run in progress keeps its progress. */
  clearResults(notice: string): void {
    this.state = { modelPath: this.modelPath, view: 'overview', notice, progress: this.state.progress };
    void this.post({ type: 'init', state: this.state });
  }

  /** The layer names of the model's shown interpretation ([] before one is shown). */
  layerNames(): string[] {
    return this.state.interpretation?.report.model.layers.map((l) => l.name) ?? [];
  }

  showInterpretation(report: InterpretReport, reportDir: string, cached: boolean): void {
    const interpretation: ShownInterpretation = { report, base: this.folderUri(reportDir), cached, dataLabel: vscode.workspace.asRelativePath(report.data.path) };
    this.state = { ...this.state, interpretation, progress: undefined, error: undefined, notice: undefined };
    void this.post({ type: 'interpretation', interpretation });
  }

  showExplanation(report: ExplanationReport, folder: string): void {
    const explanation: ShownExplanation = { report, base: this.folderUri(folder) };
    this.state = { ...this.state, explanation, progress: undefined, error: undefined, view: 'explain' };
    void this.post({ type: 'explanation', explanation });
    void this.post({ type: 'show', view: 'explain' });
  }

  /** An evaluation's summary and folder; `reveal` switches to the Evaluation view (a fresh run) or not (restored results). */
  showEvaluation(evaluation: Omit<ShownEvaluation, 'base'> & { folder: string }, reveal: boolean): void {
    const shown = { kind: evaluation.kind, summary: evaluation.summary, base: this.folderUri(evaluation.folder) } as ShownEvaluation;
    this.state = { ...this.state, evaluations: { ...this.state.evaluations, [shown.kind]: shown }, ...(reveal ? { progress: undefined, error: undefined, view: 'evaluation' as const } : {}) };
    void this.post({ type: 'evaluation', evaluation: shown });
    if (reveal) void this.post({ type: 'show', view: 'evaluation' });
  }

  showProgress(event: ProgressEvent | undefined): void {
    this.state.progress = event;
    void this.post({ type: 'progress', event });
  }

  showError(error: PlainError | undefined): void {
    this.state = { ...this.state, error, progress: undefined };
    void this.post({ type: 'error', error });
  }

  showView(view: PanelView): void {
    this.state.view = view;
    void this.post({ type: 'show', view });
  }

  post(message: HostToPanel): Thenable<boolean> {
    return this.ready ? this.webviewPanel.webview.postMessage(message) : Promise.resolve(false);
  }

  get hasInterpretation(): boolean {
    return this.state.interpretation !== undefined;
  }

  get interpretation(): ShownInterpretation | undefined {
    return this.state.interpretation;
  }

  private folderUri(folder: string): string {
    return this.webviewPanel.webview.asWebviewUri(vscode.Uri.file(folder)).toString();
  }

  dispose(): void {
    this.watchdog.stop();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onDidDispose?.();
  }
}

export function panelTitle(modelPath: string): string {
  return `VEBI: ${panelLabel(vscode.workspace.asRelativePath(modelPath, false))}`;
}
