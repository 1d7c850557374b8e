/**
 * Opens a layer's definition in the workspace's training code (scripts and notebooks), by explicit
 * name or by Keras's automatic numbering (layer-search.ts). When several files could hold it, the
 * user picks; when none does, the reason is said in a notification too, so a click is never silent.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeFile, searchLayer, type CodeFile, type LayerMatch } from './layer-search';
import { TRAINING_CODE_EXCLUDE, TRAINING_CODE_GLOB } from './layer-locator';
import { readRegularText } from './regular-file';

export interface LayerAnswer {
  found: boolean;
  message: string;
}

/** Python and notebooks first: that is where models are built. */
function codeRank(file: string): number {
  return /\.(py|ipynb)$/.test(file) ? 0 : /\.(ts|js|mjs)$/.test(file) ? 1 : 2;
}

async function workspaceCode(modelPath: string): Promise<CodeFile[]> {
  const uris = (await vscode.workspace.findFiles(TRAINING_CODE_GLOB, TRAINING_CODE_EXCLUDE, 500)).sort((a, b) => codeRank(a.fsPath) - codeRank(b.fsPath) || a.fsPath.localeCompare(b.fsPath));
  const files: CodeFile[] = [];
  for (const uri of uris) {
    if (uri.fsPath === modelPath || path.basename(uri.fsPath) === 'model.json') continue; // a model names its layers too
    try {
      files.push(codeFile(uri.fsPath, await readRegularText(uri.fsPath, 2_000_000))); // a FIFO named train.py must not block the host
    } catch {
      // unreadable: not code we can search
    }
  }
  return files;
}

function describe(match: LayerMatch, layer: string): string {
  const where = `${vscode.workspace.asRelativePath(match.file)}${match.cell === undefined ? '' : ` cell ${match.cell + 1}`}:${match.line + 1}`;
  if (match.how === 'name') return where;
  if (match.how === 'module') return `${where} (PyTorch module ${match.resolved}${layer.startsWith(`${match.resolved}.`) ? `; ${layer} is inside it` : ''})`;
  const counted = match.counted === 'relative' ? ', counted from the model\'s first layer of that class' : '';
  return `${where} (Keras's automatic name for this ${match.className} call${counted})`;
}

async function open(match: LayerMatch): Promise<void> {
  const uri = vscode.Uri.file(match.file);
  const start = new vscode.Position(match.line, match.character);
  const selection = new vscode.Range(start, start.translate(0, match.length));
  if (match.cell === undefined) {
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection });
    return;
  }
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  const cell = notebook.cellAt(match.cell);
  await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.One, selections: [new vscode.NotebookRange(match.cell, match.cell + 1)] });
  await vscode.window.showTextDocument(cell.document, { viewColumn: vscode.ViewColumn.One, selection });
}

/** Finds and opens `layer`; the answer is for the panel, next to the name that was clicked. */
export async function revealLayerInCode(layer: string, modelPath: string, modelLayers: readonly string[]): Promise<LayerAnswer> {
  const result = searchLayer(await workspaceCode(modelPath), layer, modelLayers, path.dirname(modelPath));
  if (result.kind === 'none') {
    const message = `${result.reason}.`;
    void vscode.window.showWarningMessage(`VEBI: ${message} Give the layer name="${layer}" in the code that builds it to link them.`);
    return { found: false, message };
  }
  let match = result.kind === 'found' ? result.match : undefined;
  if (result.kind === 'ambiguous') {
    const picked = await vscode.window.showQuickPick(
      result.matches.map((m) => ({ label: vscode.workspace.asRelativePath(m.file), description: describe(m, layer), match: m })),
      { title: `VEBI: "${layer}" could be built in ${result.matches.length} files`, placeHolder: 'Keras numbers layers per Python process: pick the script that built this model' },
    );
    if (!picked) return { found: false, message: `${result.matches.length} files could build "${layer}": ${result.matches.map((m) => vscode.workspace.asRelativePath(m.file)).join(', ')}` };
    match = picked.match;
  }
  if (!match) return { found: false, message: `"${layer}" was not found` };
  await open(match);
  return { found: true, message: describe(match, layer) };
}
