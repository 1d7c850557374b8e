/**
 * What an evaluation asks the user before it runs: which evaluation (when the palette started it),
 * and its input (an image, a folder with masks, a labelled folder). Returns undefined when the user
 * backs out. Pure UI: no engine work here.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EVALUATION_KINDS, type EvaluationKind } from '../shared/evaluation';
import { pickImage } from './model-picker';

export const EVALUATION_TITLES: Record<EvaluationKind, { label: string; detail: string }> = {
  comparison: { label: 'Compare methods on an image', detail: 'VEBI, Grad-CAM, guided backprop and 8 more baselines side by side, for the predicted class.' },
  localization: { label: 'Localization (IoU with ground-truth masks)', detail: 'Every method on a folder with images/ and masks/ (e.g. the flowers benchmark VEBI generates): mean IoU over thresholds.' },
  ablation: { label: 'Feature ablation', detail: "Accuracy when each class's relevant features are zeroed, against as many random features." },
  sanity: { label: 'Sanity checks (cascading randomisation)', detail: "Weights re-initialised from the top layer down; how much each method's explanations change." },
};

/** At most this many images per class for the runs that loop over a folder, so a panel run stays minutes, not hours. */
export const PANEL_MAX_PER_CLASS: Record<EvaluationKind, number | undefined> = { comparison: undefined, localization: 20, ablation: 100, sanity: 30 };

export async function pickEvaluationKind(): Promise<EvaluationKind | undefined> {
  // QuickPickItem has its own `kind`: the evaluation goes in `evaluation`.
  const items = EVALUATION_KINDS.map((evaluation) => ({ label: EVALUATION_TITLES[evaluation].label, detail: EVALUATION_TITLES[evaluation].detail, evaluation }));
  const picked = await vscode.window.showQuickPick(items, { title: 'VEBI: evaluate explanations', placeHolder: 'Which check to run on this model' });
  return picked?.evaluation;
}

export interface EvaluationInputs {
  imagePath?: string;
  dataDir?: string;
}

/**
 * The input of `kind`. `interpreted` is the folder the model was interpreted on: the default for
 * ablation (held-out images are better, so the user is offered both) and the sanity checks' re-fits.
 */
export async function pickEvaluationInputs(kind: EvaluationKind, interpreted: string, image: vscode.Uri | undefined): Promise<EvaluationInputs | undefined> {
  switch (kind) {
    case 'comparison': {
      const picked = await pickImage(image);
      return picked ? { imagePath: picked.fsPath } : undefined;
    }
    case 'localization': {
      const dataDir = await pickMaskedFolder();
      if (!dataDir) return undefined;
      if (!(await isDirectory(path.join(dataDir, 'masks')))) {
        const generate = 'Generate the Flowers Benchmark';
        const terminal = 'Open a Terminal with vebi';
        const action = await vscode.window.showErrorMessage(
          `VEBI: ${vscode.workspace.asRelativePath(dataDir)} has no masks/ folder. Localization needs images/<class>/<image> and masks/<class>/<image> (white = the part that decides the class), for a model trained on those classes. VEBI can generate such a benchmark into the workspace; the vebi command line has every option.`,
          generate,
          terminal,
        );
        if (action === generate) await vscode.commands.executeCommand('vebi.generateFlowers');
        if (action === terminal) await vscode.commands.executeCommand('vebi.openCliTerminal');
        return undefined;
      }
      return { dataDir };
    }
    case 'ablation': {
      const same = { label: `$(check) ${vscode.workspace.asRelativePath(interpreted)}`, description: 'the interpreted folder', folder: interpreted };
      const other = { label: '$(folder-opened) Choose held-out images...', description: 'one sub-folder per class, in the model\'s class order', folder: undefined };
      const picked = await vscode.window.showQuickPick([same, other], { title: 'VEBI: labelled images to measure the accuracy on', placeHolder: 'Held-out images measure generalisation; the interpreted folder is the quick choice' });
      if (!picked) return undefined;
      const dataDir = picked.folder ?? (await pickFolder('VEBI: labelled held-out images (one sub-folder per class)'));
      return dataDir ? { dataDir } : undefined;
    }
    case 'sanity':
      return { dataDir: interpreted };
  }
}

/** Folders (up to two levels into the workspace) holding both images/ and masks/. */
async function maskedFolders(): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    if ((await isDirectory(path.join(dir, 'images'))) && (await isDirectory(path.join(dir, 'masks')))) found.push(dir);
    if (depth === 0) return;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') await visit(path.join(dir, entry.name), depth - 1);
  };
  for (const root of vscode.workspace.workspaceFolders ?? []) await visit(root.uri.fsPath, 2);
  return found;
}

/** The localization folder: one found in the workspace, a newly generated benchmark, or any folder. */
async function pickMaskedFolder(): Promise<string | undefined> {
  const found = await maskedFolders();
  const items = [
    ...found.map((folder) => ({ label: vscode.workspace.asRelativePath(folder), description: 'images/ and masks/', action: 'use' as const, folder })),
    { label: '$(add) Generate the flowers benchmark...', description: 'an8Flower-style images with their part masks, into the workspace', action: 'generate' as const, folder: undefined },
    { label: '$(folder-opened) Choose a folder...', description: 'with images/<class>/ and masks/<class>/', action: 'choose' as const, folder: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'VEBI: images with ground-truth masks', placeHolder: 'Localization scores every method against the masks of the parts that decide the class' });
  if (!picked) return undefined;
  if (picked.action === 'use') return picked.folder;
  if (picked.action === 'generate') {
    // A model is scored on images of its own classes: the benchmark is for a model trained on it, not this one.
    await vscode.commands.executeCommand('vebi.generateFlowers');
    return undefined;
  }
  return pickFolder('VEBI: folder with images/ and masks/');
}

async function pickFolder(title: string): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title });
  return chosen?.[0]?.fsPath;
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}
