/**
 * Runs inside a real VS Code (extension test host): the commands exist, interpreting the fixture
 * model produces a report in the extension's storage, and an explanation follows.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['vebi.interpretModel', 'vebi.explainImage', 'vebi.openLastReport', 'vebi.exportReport', 'vebi.clearCache']) assert.ok(commands.includes(id), id);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'the fixture workspace is open');
  await vscode.commands.executeCommand('vebi.interpretModel', vscode.Uri.file(path.join(root, 'model', 'model.json')));
  const image = (await vscode.workspace.findFiles('data/**/*.png', undefined, 1))[0];
  assert.ok(image, 'the fixture has images');
  await vscode.commands.executeCommand('vebi.explainImage', image);
  const panels = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview);
  assert.ok(panels.length >= 1, 'the VEBI panel is open');
}
