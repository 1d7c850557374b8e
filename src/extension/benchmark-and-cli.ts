/**
 * Ways out of the extension's dead ends: the an8Flower-style benchmark (images, masks) generated
 * into the workspace, for the Localization check; and a terminal where the `vebi` command line
 * shipped inside the extension runs (every evaluation and option the panel does not offer).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlowersJob } from '../shared/engine-protocol';
import { withCancellableProgress } from './cancellation';
import type { EngineClient } from './engine-client';

const VARIANTS: Array<{ label: string; detail: string; variant: FlowersJob['variant'] }> = [
  { label: 'single-6c', detail: '6 classes, told apart by the colour of the petals', variant: 'single-6c' },
  { label: 'double-12c', detail: '12 classes, told apart by the colours of the petals and the leaves', variant: 'double-12c' },
];

/** Generates the benchmark into <workspace>/vebi-flowers-<variant>; returns its folder, or undefined. */
export async function generateFlowersBenchmark(engine: EngineClient, log: vscode.OutputChannel): Promise<string | undefined> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) {
    void vscode.window.showErrorMessage('VEBI: open a folder first: the benchmark is written into the workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(VARIANTS, { title: 'VEBI: generate the flowers benchmark (an8Flower-style)', placeHolder: 'Which variant: 100 images per class, 128 px, with the mask of the parts that decide the class' });
  if (!picked) return undefined;
  const outDir = path.join(root, `vebi-flowers-${picked.variant}`);
  const job: FlowersJob = { outDir, variant: picked.variant, perClass: 100, size: 128, seed: 0 };
  const outcome = await withCancellableProgress(`VEBI: drawing the ${picked.variant} flowers into ${vscode.workspace.asRelativePath(outDir)}`, (signal, report) => engine.run({ type: 'flowers', job }, { signal, onProgress: report }));
  if (outcome.result.kind !== 'flowers') return undefined;
  log.appendLine(`flowers ${picked.variant}: ${outcome.result.images} images in ${outDir}`);
  const reveal = await vscode.window.showInformationMessage(
    `VEBI: wrote ${outcome.result.images} flower images and their masks to ${vscode.workspace.asRelativePath(outDir)}. Train your classifier on its images/ folder (classes ${outcome.result.classes.join(', ')}), then run Evaluate Explanations > Localization on this folder.`,
    'Reveal in Explorer',
  );
  if (reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(outDir, 'dataset.json')));
  return outDir;
}

/** A POSIX shell or Windows .cmd file that runs the bundled CLI with this editor's own Node. */
function shim(cli: string, windows: boolean): string {
  const node = process.execPath; // Electron's (or code-server's) Node: ELECTRON_RUN_AS_NODE makes Electron act as node
  return windows ? `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${node}" "${cli}" %*\r\n` : `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec "${node}" "${cli}" "$@"\n`;
}

/** Opens a terminal whose PATH has `vebi` (a shim VEBI writes in its own storage). */
export async function openCliTerminal(context: vscode.ExtensionContext): Promise<void> {
  const windows = process.platform === 'win32';
  const bin = path.join(context.globalStorageUri.fsPath, 'bin');
  await fs.mkdir(bin, { recursive: true });
  const file = path.join(bin, windows ? 'vebi.cmd' : 'vebi');
  await fs.writeFile(file, shim(path.join(context.extensionPath, 'dist', 'cli.js'), windows), { mode: 0o755 });
  const terminal = vscode.window.createTerminal({ name: 'VEBI CLI', env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` } });
  terminal.show();
  terminal.sendText('vebi --help', true);
}
