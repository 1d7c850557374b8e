/**
 * Which labelled folder an interpretation reads: the folder last picked for this model in VEBI (and
 * that ran), else the `vebi.dataFolders` setting, else a pick. The pick ranks the workspace's
 * candidate folders by how well they fit the model (rank-data-folders.ts) and marks the current one.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findDatasetFolders } from './dataset-discovery';
import { rankDataFolders } from './rank-data-folders';

export interface DataFolderChoice {
  folder: string;
  /** Where it came from, said in the progress title and the log. */
  source: 'picked' | 'remembered' | 'setting';
}

export interface DataFolderOptions {
  /** The folder of this model's last successful run picked in VEBI. */
  remembered?: string;
  /** vebi.dataFolders: workspace-relative or absolute model path -> folder. */
  configured: Record<string, string>;
  /** Ask even when a folder is known ("change the data folder"). */
  ask: boolean;
  /** The model's class count, read by the engine (undefined when it cannot tell). */
  numClasses: () => Promise<number | undefined>;
}

function configuredFolder(modelUri: vscode.Uri, configured: Record<string, string>): string | undefined {
  const setting = configured[vscode.workspace.asRelativePath(modelUri, false)] ?? configured[modelUri.fsPath];
  if (!setting) return undefined;
  const root = vscode.workspace.getWorkspaceFolder(modelUri);
  return root && !path.isAbsolute(setting) ? path.join(root.uri.fsPath, setting) : setting;
}

async function isFolder(folder: string): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(vscode.Uri.file(folder))).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}

export async function chooseDataFolder(modelUri: vscode.Uri, options: DataFolderOptions): Promise<DataFolderChoice | undefined> {
  const setting = configuredFolder(modelUri, options.configured);
  if (!options.ask) {
    if (options.remembered && (await isFolder(options.remembered))) return { folder: options.remembered, source: 'remembered' };
    if (setting) return { folder: setting, source: 'setting' };
  }
  const current = options.remembered ?? setting;
  const folder = await pickFolder(modelUri, current, options.numClasses);
  return folder ? { folder, source: 'picked' } : undefined;
}

async function pickFolder(modelUri: vscode.Uri, current: string | undefined, numClasses: () => Promise<number | undefined>): Promise<string | undefined> {
  const relativeModel = vscode.workspace.asRelativePath(modelUri, false);
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { folder?: string }>();
  pick.title = `VEBI: labelled image folder for ${relativeModel}`;
  pick.placeholder = "One sub-folder per class, in the model's class order; the best fits first";
  pick.busy = true;
  pick.show();
  const choose = { label: '$(folder-opened) Choose a folder...', description: 'one sub-folder of images per class', alwaysShow: true };
  pick.items = [choose];
  const roots = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const [candidates, classes] = await Promise.all([Promise.all(roots.map((root) => findDatasetFolders(root))).then((lists) => lists.flat()), numClasses().catch(() => undefined)]);
  const ranked = rankDataFolders(candidates, { modelDir: path.dirname(modelUri.fsPath), numClasses: classes });
  pick.items = [
    ...ranked.map((c) => ({ label: vscode.workspace.asRelativePath(c.path), description: `${c.path === current ? '(current) ' : ''}${c.reason}`, folder: c.path })),
    choose,
  ];
  pick.busy = false;
  const picked = await new Promise<(vscode.QuickPickItem & { folder?: string }) | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
  });
  pick.dispose();
  if (!picked) return undefined;
  if (picked.folder) return picked.folder;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: 'VEBI: labelled image folder (one sub-folder per class)' });
  return chosen?.[0]?.fsPath;
}
