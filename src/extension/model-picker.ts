/**
 * Which model and which labelled folder a command works on: the explorer's selection, the active
 * editor, the remembered choice, the settings, or a pick.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS, isImageFileName } from '../shared/image-extensions';
import { readRegularHead, readRegularText, regularFileSize } from './regular-file';
import { isKerasFileName, isOnnxFileName, isTfjsModelJson, kerasFileProblem, KERAS_SNIFF_BYTES, looksLikeKerasModel, modelJsonProblem, MODEL_JSON_SNIFF_LIMIT, onnxFileProblem, ONNX_SNIFF_BYTES } from './model-files';

/** The uri behind the active editor tab: a text editor, or a custom editor such as the image preview. */
export function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export async function isModelFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  if (isKerasFileName(uri.fsPath)) return readRegularHead(uri.fsPath, KERAS_SNIFF_BYTES).then((head) => looksLikeKerasModel(uri.fsPath, head), () => false);
  if (isOnnxFileName(uri.fsPath)) return readRegularHead(uri.fsPath, ONNX_SNIFF_BYTES).then((head) => onnxFileProblem(head) === undefined, () => false);
  if (path.extname(uri.fsPath).toLowerCase() !== '.json') return false;
  try {
    const size = await regularFileSize(uri.fsPath);
    if (size === undefined) return false;
    if (size > MODEL_JSON_SNIFF_LIMIT) return path.basename(uri.fsPath) === 'model.json';
    return isTfjsModelJson(await readRegularText(uri.fsPath, MODEL_JSON_SNIFF_LIMIT));
  } catch {
    return false;
  }
}

/** Model files of the workspace (TF.js model.json, Keras .keras/.h5 and ONNX files that really are models). */
export async function findModelFiles(limit = 200): Promise<vscode.Uri[]> {
  const exclude = '**/{node_modules,.git}/**';
  const [json, keras] = await Promise.all([vscode.workspace.findFiles('**/*.json', exclude, 2000), vscode.workspace.findFiles('**/*.{keras,h5,hdf5,onnx}', exclude, 2000)]);
  const named = [...json.filter((uri) => path.basename(uri.fsPath) === 'model.json' || /model/i.test(path.basename(uri.fsPath))), ...keras];
  const checks = await Promise.all(named.map(async (uri) => ((await isModelFile(uri)) ? uri : undefined)));
  return checks.filter((uri): uri is vscode.Uri => uri !== undefined).slice(0, limit);
}

/** Why a file the user pointed at is not a model (undefined: it is one). */
async function problemWith(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme !== 'file') return 'is not a local file';
  try {
    if (isKerasFileName(uri.fsPath)) return kerasFileProblem(uri.fsPath, await readRegularHead(uri.fsPath, KERAS_SNIFF_BYTES));
    if (isOnnxFileName(uri.fsPath)) return onnxFileProblem(await readRegularHead(uri.fsPath, ONNX_SNIFF_BYTES));
    if (path.extname(uri.fsPath).toLowerCase() !== '.json') return 'is not a model VEBI can open: give a TensorFlow.js model.json, a Keras .keras/.h5 file or an ONNX .onnx file';
    const size = await regularFileSize(uri.fsPath);
    if (size !== undefined && size > MODEL_JSON_SNIFF_LIMIT) return undefined; // too big to sniff: the engine checks it
    return modelJsonProblem(await readRegularText(uri.fsPath, MODEL_JSON_SNIFF_LIMIT));
  } catch (error) {
    return `cannot be read (${(error as Error).message})`;
  }
}

/**
 * The model to interpret: the explorer's file, else the active editor's model.json, else a pick.
 * A file the user pointed at (explorer, or an active model.json) that is not a model is an error
 * naming it, before any other question.
 */
export async function pickModel(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const active = given ? undefined : activeTabUri();
  const pointed = given ?? (active && (path.basename(active.fsPath) === 'model.json' || (await isModelFile(active))) ? active : undefined);
  if (pointed) {
    const problem = await problemWith(pointed);
    if (!problem) return pointed;
    void vscode.window.showErrorMessage(`VEBI: ${pointed.fsPath} ${problem}.`);
    return undefined;
  }
  const models = await findModelFiles();
  const choose = '$(folder-opened) Choose a model file...';
  const items = [...models.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), { label: choose, uri: undefined }];
  const picked = await vscode.window.showQuickPick(items, { title: 'VEBI: model to interpret', placeHolder: 'A TF.js model.json, a Keras .keras/.h5 or an ONNX .onnx file' });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'TF.js, Keras or ONNX model': ['json', 'keras', 'h5', 'hdf5', 'onnx'] }, title: 'VEBI: model to interpret' });
  if (!chosen?.[0]) return undefined;
  const problem = await problemWith(chosen[0]);
  if (problem) {
    void vscode.window.showErrorMessage(`VEBI: ${chosen[0].fsPath} ${problem}.`);
    return undefined;
  }
  return chosen[0];
}

export function isImageFile(uri: vscode.Uri): boolean {
  return isImageFileName(path.basename(uri.fsPath));
}

export async function pickImage(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (given && isImageFile(given)) return given;
  const active = activeTabUri();
  if (!given && active && isImageFile(active)) return active;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: IMAGE_EXTENSIONS.map((ext) => ext.slice(1)) }, title: 'VEBI: image to explain' });
  return chosen?.[0];
}
