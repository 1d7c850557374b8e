/**
 * The commands: interpret a model, explain an image, evaluate the explanations, open / export the
 * last report, clear the cache, reveal a layer in the training code. Heavy work goes to the engine process; this side
 * only moves paths, messages and JSON.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cancelledError, toPlainError } from '../shared/errors';
import type { PlainError } from '../shared/errors';
import type { BackendChoice } from '../shared/params';
import { EVALUATION_FILES, EVALUATION_KINDS } from '../shared/evaluation';
import type { EvaluationKind } from '../shared/evaluation';
import type { PanelToHost, ShownEvaluation } from '../shared/panel-protocol';
import type { ProgressEvent } from '../shared/progress';
import { evaluationSummarySchema } from '../shared/schemas/evaluation-summaries';
import { EXPLANATION_REPORT_SCHEMA } from '../shared/schemas/explanation-report';
import { INTERPRET_REPORT_SCHEMA } from '../shared/schemas/interpret-report';
import { withCancellableProgress } from './cancellation';
import { EVALUATION_TITLES, PANEL_MAX_PER_CLASS, pickEvaluationInputs, pickEvaluationKind } from './evaluation-inputs';
import type { EngineClient } from './engine-client';
import { chooseDataFolder } from './data-folder-choice';
import { activeTabUri, pickImage, pickModel } from './model-picker';
import { panelTitle, VebiPanel } from './panel/vebi-panel';
import { resolveInsideFolder } from './path-inside';
import { readResultFile } from './read-result-file';
import { revealLayerInCode } from './reveal-layer';
import { readSettings } from './settings';
import { storagePaths } from './storage-paths';
import type { StoragePaths } from './storage-paths';

const LAST_MODEL_KEY = 'vebi.lastModel';
const dataFolderKey = (modelPath: string) => `vebi.dataFolder:${modelPath}`;

export class VebiController implements vscode.Disposable {
  private readonly panels = new Map<string, VebiPanel>();
  private readonly paths: StoragePaths;
  private running: { controller: AbortController; panel: VebiPanel } | undefined;
  /** Runs aborted because a newer command replaced them. */
  private readonly replaced = new WeakSet<AbortController>();
  /** Interpretations under way, by model: an explanation of that model waits for its report. */
  private readonly interpreting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineClient,
    private readonly storageDir: string,
    private readonly log: vscode.OutputChannel,
  ) {
    this.paths = storagePaths(storageDir);
  }

  // ---- commands ----

  /** Interprets a model; `chooseFolder` asks for the data folder even when one is known (Change...). */
  async interpretModel(uri?: vscode.Uri, options: { chooseFolder?: boolean } = {}): Promise<void> {
    if (!(await this.requireTrust('Interpret Model'))) return;
    const model = await pickModel(uri);
    if (!model) return;
    const modelPath = model.fsPath;
    const settings = readSettings();
    const choice = await chooseDataFolder(model, {
      remembered: this.context.workspaceState.get<string>(dataFolderKey(modelPath)),
      configured: settings.dataFolders,
      ask: options.chooseFolder ?? false,
      numClasses: () => this.modelClassCount(modelPath, settings.backend),
    });
    if (!choice) return;
    const dataDir = choice.folder;
    await this.context.workspaceState.update(LAST_MODEL_KEY, modelPath);
    const panel = this.panelFor(modelPath);
    const started = Date.now();
    const outDir = this.paths.interpretationDir(modelPath);
    const title = `VEBI: interpreting ${vscode.workspace.asRelativePath(model)} on ${vscode.workspace.asRelativePath(dataDir)}`;
    const run = this.runJob(title, panel, (signal, report) =>
      this.engine.run(
        { type: 'interpret', job: { modelPath, dataDir, outDir, params: settings.params, backend: settings.backend, onBadFile: settings.onBadFile, cacheDir: this.paths.cacheDir } },
        { signal, onProgress: report, onWarning: (message) => this.warn(message) },
      ),
    );
    this.interpreting.set(modelPath, run);
    const outcome = await run.finally(() => {
      if (this.interpreting.get(modelPath) === run) this.interpreting.delete(modelPath);
    });
    if (!outcome || outcome.result.kind !== 'interpretation') return;
    // Only a folder that ran is remembered: a wrong pick that failed is asked for again.
    if (choice.source === 'picked') await this.context.workspaceState.update(dataFolderKey(modelPath), dataDir);
    const report = await readResultFile(path.join(outDir, 'report.json'), INTERPRET_REPORT_SCHEMA);
    panel.showInterpretation(report, outDir, outcome.result.cached);
    for (const warning of report.warnings ?? []) this.warn(warning);
    this.log.appendLine(
      `interpret ${modelPath} on ${dataDir} (${choice.source}): ${Date.now() - started} ms to panel content (${outcome.result.cached ? 'cached' : 'computed'}), engine peak RSS ${outcome.peakRssMB.toFixed(0)} MB, backend ${outcome.result.backend}`,
    );
  }

  /** The model's class count, read by the engine (for ranking data folders); undefined if it cannot load. */
  private async modelClassCount(modelPath: string, backend: BackendChoice): Promise<number | undefined> {
    try {
      const { result } = await this.engine.run({ type: 'inspect', job: { modelPath, backend } });
      return result.kind === 'model' ? result.numClasses : undefined;
    } catch (error) {
      this.log.appendLine(`inspect ${modelPath}: ${toPlainError(error).message}`);
      return undefined;
    }
  }

  async explainImage(uri?: vscode.Uri, fromPanel?: VebiPanel): Promise<void> {
    if (!(await this.requireTrust('Explain Image'))) return;
    const interpreted = await this.interpretedModel(fromPanel, 'explanations use its relevant features');
    if (!interpreted) return;
    const { modelPath, reportDir } = interpreted;
    const image = await pickImage(uri);
    if (!image) return;
    const panel = this.panelFor(modelPath);
    if (!panel.hasInterpretation) panel.showInterpretation(await readResultFile(path.join(reportDir, 'report.json'), INTERPRET_REPORT_SCHEMA), reportDir, true);
    const outDir = this.paths.explanationDir(modelPath, image.fsPath);
    const settings = readSettings();
    const outcome = await this.runJob(`VEBI: explaining ${path.basename(image.fsPath)}`, panel, (signal, report) =>
      this.engine.run({ type: 'explain', job: { modelPath, imagePath: image.fsPath, reportDir, outDir, params: {}, backend: settings.backend } }, { signal, onProgress: report }),
    );
    if (!outcome) return;
    panel.showExplanation(await readResultFile(path.join(outDir, 'explanation.json'), EXPLANATION_REPORT_SCHEMA), outDir);
  }

  async evaluateExplanations(kind?: EvaluationKind, uri?: vscode.Uri, fromPanel?: VebiPanel): Promise<void> {
    if (!(await this.requireTrust('Evaluate Explanations'))) return;
    const interpreted = await this.interpretedModel(fromPanel, 'the evaluations compare its relevant features with the other methods');
    if (!interpreted) return;
    const { modelPath, reportDir } = interpreted;
    const evaluation = kind ?? (await pickEvaluationKind());
    if (!evaluation) return;
    const report = await readResultFile(path.join(reportDir, 'report.json'), INTERPRET_REPORT_SCHEMA);
    const inputs = await pickEvaluationInputs(evaluation, report.data.path, uri);
    if (!inputs) return;
    const panel = this.panelFor(modelPath);
    if (!panel.hasInterpretation) panel.showInterpretation(report, reportDir, true);
    const outDir = this.paths.evaluationDir(modelPath, evaluation);
    const settings = readSettings();
    const job = { kind: evaluation, modelPath, reportDir, outDir, ...inputs, maxPerClass: PANEL_MAX_PER_CLASS[evaluation], backend: settings.backend };
    const outcome = await this.runJob(`VEBI: ${EVALUATION_TITLES[evaluation].label.toLowerCase()}`, panel, (signal, progress) => this.engine.run({ type: 'evaluate', job }, { signal, onProgress: progress }));
    if (!outcome) return;
    await this.showStoredEvaluation(panel, evaluation, true);
  }

  async openLastReport(): Promise<void> {
    const modelPath = this.context.workspaceState.get<string>(LAST_MODEL_KEY);
    const reportDir = modelPath ? this.paths.interpretationDir(modelPath) : undefined;
    if (!modelPath || !reportDir || !(await exists(path.join(reportDir, 'report.json')))) {
      void vscode.window.showInformationMessage('VEBI: there is no report yet. Run "VEBI: Interpret Model" on a model.');
      return;
    }
    const panel = this.panelFor(modelPath);
    panel.showInterpretation(await readResultFile(path.join(reportDir, 'report.json'), INTERPRET_REPORT_SCHEMA), reportDir, true);
  }

  async exportReport(): Promise<void> {
    const modelPath = this.context.workspaceState.get<string>(LAST_MODEL_KEY);
    const reportDir = modelPath ? this.paths.interpretationDir(modelPath) : undefined;
    if (!modelPath || !reportDir || !(await exists(path.join(reportDir, 'report.json')))) {
      void vscode.window.showInformationMessage('VEBI: there is no report to export yet. Run "VEBI: Interpret Model" first.');
      return;
    }
    const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'VEBI: export the report into this folder', openLabel: 'Export here' });
    if (!target?.[0]) return;
    const destination = path.join(target[0].fsPath, `vebi-report-${path.basename(path.dirname(modelPath))}`);
    const explanationsDir = path.join(path.dirname(reportDir), 'explanations');
    // The engine writes it, through the same checks as every output: never over a folder VEBI did not write.
    try {
      await withCancellableProgress('VEBI: exporting the report', (signal) => this.engine.run({ type: 'export', job: { reportDir, explanationsDir, outDir: destination } }, { signal }));
    } catch (error) {
      const plain = toPlainError(error);
      this.log.appendLine(`export ${plain.code}: ${plain.message}`);
      void vscode.window.showErrorMessage(`VEBI: ${plain.code === 'CANCELLED' ? 'export cancelled; nothing was written.' : plain.message}`);
      return;
    }
    const open = await vscode.window.showInformationMessage(`VEBI: report exported to ${destination} (report.json, PNGs, index.html).`, 'Open in Browser');
    if (open) await vscode.env.openExternal(vscode.Uri.file(path.join(destination, 'index.html')));
  }

  async clearCache(): Promise<void> {
    this.running?.controller.abort();
    await fs.rm(this.storageDir, { recursive: true, force: true });
    // Open panels pointed at the removed files: they say so instead of showing broken images.
    for (const panel of this.panels.values()) panel.clearResults('The cached results were cleared. Re-run to interpret this model again.');
    void vscode.window.showInformationMessage('VEBI: cached results cleared. The next run recomputes.');
  }

  async revealLayer(panel: VebiPanel, layer: string): Promise<void> {
    const answer = await revealLayerInCode(layer, panel.modelPath, panel.layerNames());
    void panel.post({ type: 'layerLocation', layer, found: answer.found, message: answer.message });
  }

  // ---- panels ----

  /** Restores a panel after a window reload (the serializer). */
  async restorePanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = typeof state === 'object' && state !== null ? (state as { modelPath?: unknown }).modelPath : undefined;
    const last = this.context.workspaceState.get<string>(LAST_MODEL_KEY);
    // A state saved by an older build names no model: the last model only if the tab's title is its own.
    const modelPath = typeof saved === 'string' ? saved : last && webviewPanel.title === panelTitle(last) ? last : undefined;
    if (!modelPath || this.panels.has(modelPath)) {
      webviewPanel.dispose(); // never show one model's results under another's title, nor one model twice
      return;
    }
    const panel = new VebiPanel(webviewPanel, this.context.extensionUri, modelPath, this.modelStorage(modelPath), (p, m) => this.onPanelMessage(p, m));
    this.track(panel);
    const reportDir = this.paths.interpretationDir(modelPath);
    if (await exists(path.join(reportDir, 'report.json'))) panel.showInterpretation(await readResultFile(path.join(reportDir, 'report.json'), INTERPRET_REPORT_SCHEMA), reportDir, true);
    for (const kind of EVALUATION_KINDS) await this.showStoredEvaluation(panel, kind, false);
  }

  /** The model the command works on and its interpretation; offers to interpret when there is none. */
  private async interpretedModel(fromPanel: VebiPanel | undefined, why: string): Promise<{ modelPath: string; reportDir: string } | undefined> {
    const modelPath = fromPanel ? fromPanel.modelPath : await this.commandModel(why);
    if (modelPath === null) return undefined; // the user dismissed the question
    const running = modelPath ? this.interpreting.get(modelPath) : undefined;
    if (running && modelPath) {
      // Explain (or evaluate) during the model's interpretation: wait for its report rather than replace the run.
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `VEBI: waiting for the interpretation of ${vscode.workspace.asRelativePath(modelPath)}` }, () => running.catch(() => undefined));
    }
    const reportDir = modelPath ? this.paths.interpretationDir(modelPath) : undefined;
    if (modelPath && reportDir && (await exists(path.join(reportDir, 'report.json')))) return { modelPath, reportDir };
    const action = await vscode.window.showErrorMessage(`VEBI: no interpreted model yet. Run "VEBI: Interpret Model" on a model first; ${why}.`, 'Interpret Model');
    if (action) await vscode.commands.executeCommand('vebi.interpretModel');
    return undefined;
  }

  /**
   * The model a palette or menu command works on: the active VEBI panel's; the model file in the
   * active editor (when it has a panel or an interpretation); the only open panel's;
   * with several open, the user says which (null when they dismiss the question); with none, the
   * last interpreted model.
   */
  private async commandModel(why: string): Promise<string | undefined | null> {
    const open = [...this.panels.values()];
    const active = open.find((p) => p.panel.active);
    if (active) return active.modelPath;
    // A model file open in the active editor, with a panel or an interpretation: that model.
    const editing = activeTabUri()?.fsPath;
    if (editing && (this.panels.has(editing) || (await exists(path.join(this.paths.interpretationDir(editing), 'report.json'))))) return editing;
    if (open.length === 1) return open[0].modelPath;
    if (open.length === 0) return this.context.workspaceState.get<string>(LAST_MODEL_KEY);
    const picked = await vscode.window.showQuickPick(
      open.map((p) => ({ label: vscode.workspace.asRelativePath(p.modelPath), description: p.panel.title, modelPath: p.modelPath })),
      { title: 'VEBI: which model?', placeHolder: `${open.length} models have a VEBI panel open; ${why}` },
    );
    return picked ? picked.modelPath : null;
  }

  /** Shows the stored result of one evaluation of the panel's model, if there is one. */
  private async showStoredEvaluation(panel: VebiPanel, kind: EvaluationKind, reveal: boolean): Promise<void> {
    const folder = this.paths.evaluationDir(panel.modelPath, kind);
    const file = path.join(folder, EVALUATION_FILES[kind]);
    if (!(await exists(file))) return;
    panel.showEvaluation({ kind, summary: await readResultFile(file, evaluationSummarySchema(kind)), folder } as Omit<ShownEvaluation, 'base'> & { folder: string }, reveal);
  }

  private panelFor(modelPath: string): VebiPanel {
    const existing = this.panels.get(modelPath);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = VebiPanel.create(this.context.extensionUri, modelPath, this.modelStorage(modelPath), (p, m) => this.onPanelMessage(p, m));
    this.track(panel);
    return panel;
  }

  private track(panel: VebiPanel): void {
    this.panels.set(panel.modelPath, panel);
    panel.onDidDispose = () => this.panels.delete(panel.modelPath);
    panel.onDidRebuild = () => this.log.appendLine(`the panel of ${panel.modelPath} did not load (a webview host stuck waiting for its service worker): rebuilt it`);
  }

  private modelStorage(modelPath: string): vscode.Uri {
    return vscode.Uri.file(path.dirname(this.paths.interpretationDir(modelPath)));
  }

  private onPanelMessage(panel: VebiPanel, message: PanelToHost): void {
    switch (message.type) {
      case 'cancel':
        this.running?.controller.abort();
        return;
      case 'rerun':
        void this.interpretModel(vscode.Uri.file(panel.modelPath));
        return;
      case 'exportReport':
        void this.exportReport();
        return;
      case 'pickImage':
        void this.explainImage(undefined, panel);
        return;
      case 'explainUri': {
        let uri: vscode.Uri;
        try {
          uri = message.uri.includes('://') ? vscode.Uri.parse(message.uri, true) : vscode.Uri.file(message.uri);
        } catch {
          return;
        }
        if (uri.scheme === 'file') void this.explainImage(uri, panel);
        return;
      }
      case 'explainDatasetImage': {
        const root = panel.interpretation?.report.data.path;
        if (!root) return;
        const image = resolveInsideFolder(root, message.relPath);
        if (!image) return; // only images inside the interpreted folder
        void this.explainImage(vscode.Uri.file(image), panel);
        return;
      }
      case 'revealLayer':
        void this.revealLayer(panel, message.layer);
        return;
      case 'evaluate':
        void this.evaluateExplanations(message.kind, undefined, panel);
        return;
      case 'changeDataFolder':
        void this.interpretModel(vscode.Uri.file(panel.modelPath), { chooseFolder: true });
        return;
      default:
        return;
    }
  }

  // ---- running jobs ----

  private async runJob<T>(title: string, panel: VebiPanel, job: (signal: AbortSignal, report: (event: ProgressEvent) => void) => Promise<T>): Promise<T | undefined> {
    // One run at a time: a new command replaces the running one, which then ends quietly.
    if (this.running) {
      this.replaced.add(this.running.controller);
      this.running.controller.abort();
    }
    const controller = new AbortController();
    this.running = { controller, panel };
    panel.showError(undefined);
    try {
      return await withCancellableProgress(
        title,
        (signal, report) =>
          job(signal, (event) => {
            report(event);
            panel.showProgress(event);
          }),
        controller.signal,
      );
    } catch (error) {
      // A run replaced by a newer one is not a failure: no CANCELLED banner over the newer run's results.
      if (this.replaced.has(controller)) this.log.appendLine(`${title}: replaced by a newer run`);
      else this.reportFailure(panel, toPlainError(error));
      return undefined;
    } finally {
      const current = this.running?.controller === controller;
      if (current) this.running = undefined;
      // The newer run on the same panel keeps its progress bar.
      if (current || this.running?.panel !== panel) panel.showProgress(undefined);
    }
  }

  private warn(message: string): void {
    this.log.appendLine(`warning: ${message}`);
    void vscode.window.showWarningMessage(`VEBI: ${message}`);
  }

  private reportFailure(panel: VebiPanel, error: PlainError): void {
    if (error.code === 'CANCELLED') {
      panel.showError(cancelledError().toPlain());
      void vscode.window.showInformationMessage('VEBI: run cancelled; nothing was written.');
      return;
    }
    panel.showError(error);
    this.log.appendLine(`error ${error.code}: ${error.message}`);
    void vscode.window.showErrorMessage(`VEBI: ${error.message}`);
  }

  private async requireTrust(command: string): Promise<boolean> {
    if (vscode.workspace.isTrusted) return true;
    const action = await vscode.window.showWarningMessage(
      `VEBI: "${command}" is disabled in Restricted Mode: it loads model files and images from this workspace and runs them. Trust the workspace to use it.`,
      'Manage Workspace Trust',
    );
    if (action) await vscode.commands.executeCommand('workbench.trust.manage');
    return false;
  }

  dispose(): void {
    this.running?.controller.abort();
    for (const panel of this.panels.values()) panel.panel.dispose();
  }
}

/** Training code before configs: where a layer is defined beats where it is mentioned. */
async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
