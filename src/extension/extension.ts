/**
 * Activation: starts nothing heavy. Registers the commands, the panel serializer and the
 * "is this file a model" context used by the explorer menus; the engine process starts on the
 * first run. The extension host never loads tfjs.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toPlainError } from '../shared/errors';
import { generateFlowersBenchmark, openCliTerminal } from './benchmark-and-cli';
import { VebiController } from './controller';
import { EngineClient } from './engine-client';
import { findModelFiles } from './model-picker';
import { PANEL_VIEW_TYPE } from './panel/vebi-panel';

const MODEL_FILES_CONTEXT = 'vebi.modelFiles';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('VEBI');
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  const engine = new EngineClient({ workerPath: path.join(context.extensionPath, 'dist', 'engine-worker.js') });
  const controller = new VebiController(context, engine, storage, log);

  // A command that fails outside a run (a damaged result file, an unreadable model) says why, not VS Code's generic notice.
  const command = (id: string, run: (...args: never[]) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await run(...args);
      } catch (error) {
        const plain = toPlainError(error);
        log.appendLine(`${id} failed: ${plain.code}: ${plain.message}`);
        void vscode.window.showErrorMessage(`VEBI: ${plain.message}`);
      }
    });
  context.subscriptions.push(
    log,
    { dispose: () => engine.dispose() },
    controller,
    command('vebi.interpretModel', (uri?: vscode.Uri) => controller.interpretModel(uri)),
    command('vebi.interpretModelOnFolder', (uri?: vscode.Uri) => controller.interpretModel(uri, { chooseFolder: true })),
    command('vebi.explainImage', (uri?: vscode.Uri) => controller.explainImage(uri)),
    // The explorer and editor-title menus show these twins: a menu shows no category, so their titles say "VEBI:".
    command('vebi.menu.interpretModel', (uri?: vscode.Uri) => controller.interpretModel(uri)),
    command('vebi.menu.interpretModelOnFolder', (uri?: vscode.Uri) => controller.interpretModel(uri, { chooseFolder: true })),
    command('vebi.menu.explainImage', (uri?: vscode.Uri) => controller.explainImage(uri)),
    command('vebi.evaluateExplanations', () => controller.evaluateExplanations()),
    command('vebi.openLastReport', () => controller.openLastReport()),
    command('vebi.exportReport', () => controller.exportReport()),
    command('vebi.clearCache', () => controller.clearCache()),
    vscode.commands.registerCommand('vebi.generateFlowers', async () => {
      try {
        return await generateFlowersBenchmark(engine, log);
      } catch (error) {
        const plain = toPlainError(error);
        log.appendLine(`vebi.generateFlowers failed: ${plain.code}: ${plain.message}`);
        void vscode.window.showErrorMessage(`VEBI: ${plain.code === 'CANCELLED' ? 'generation cancelled; nothing was written.' : plain.message}`);
        return undefined;
      }
    }),
    command('vebi.openCliTerminal', () => openCliTerminal(context)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => controller.restorePanel(panel, state),
    }),
  );

  void refreshModelFilesContext();
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{json,keras,h5,hdf5,onnx}');
  watcher.onDidCreate(() => void refreshModelFilesContext());
  watcher.onDidDelete(() => void refreshModelFilesContext());
  context.subscriptions.push(watcher);
  log.appendLine(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}

/** The explorer shows "VEBI: Interpret Model" only on files that are models, not on every .json. */
async function refreshModelFilesContext(): Promise<void> {
  const models = await findModelFiles();
  await vscode.commands.executeCommand('setContext', MODEL_FILES_CONTEXT, models.map((uri) => uri.fsPath));
}

export function deactivate(): void {
  // Disposables registered in activate stop the engine process.
}
