/**
 * The extension in a real VS Code (code-server + Chromium): the palette commands, an interpretation
 * shown in the panel, an explanation, the Evaluation view, a cancelled run and a broken model. Every step leaves a
 * screenshot in artifacts/e2e/. Run by test/e2e/run.sh, which installs code-server, packages the
 * .vsix and generates the workspace (scripts/make-e2e-workspace.ts).
 *   VEBI_E2E_WORKSPACE  the generated workspace (required)
 *   VEBI_E2E_VSIX       the package to install (default: vebi-vscode.vsix at the repo root)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { CODE_SERVER, VsCode, waitFor } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKSPACE = process.env.VEBI_E2E_WORKSPACE ?? '';
const VSIX = path.resolve(process.env.VEBI_E2E_VSIX ?? path.join(ROOT, 'vebi-vscode.vsix'));

const COMMANDS = ['VEBI: Interpret Model', 'VEBI: Interpret Model on Another Data Folder...', 'VEBI: Explain Image', 'VEBI: Evaluate Explanations', 'VEBI: Open Last Report', 'VEBI: Export Report', 'VEBI: Clear Cached Results', 'VEBI: Generate the Flowers Benchmark (images with part masks)...', 'VEBI: Open a Terminal with the vebi Command Line'];
/** The engine runs tfjs-wasm in a child of code-server's extension host; first runs load wasm and sharp. */
const RUN_TIMEOUT = 120_000;
const UI_TIMEOUT = 30_000;

interface Manifest {
  classes: string[];
  explainImage: string;
  explainFeatures: number;
  largeImages: number;
  /** The PyTorch-trained ONNX model of the workspace; null when python3 lacked torch/onnx (onnxMissing says why). */
  onnxModel?: { path: string; modules: string[]; explainFeatures: number } | null;
  onnxMissing?: string;
}

function readManifest(): Manifest {
  return JSON.parse(readFileSync(path.join(WORKSPACE, '.vscode', 'vebi-e2e.json'), 'utf8')) as Manifest;
}

/** Whether every image matched by `images` has loaded with real pixels (none broken). */
async function imagesLoaded(images: Locator): Promise<{ total: number; loaded: number; broken: string[] }> {
  return images.evaluateAll((list) => {
    const states = list.map((el) => {
      const img = el as unknown as { complete: boolean; naturalWidth: number; getAttribute(name: string): string | null };
      return { ok: img.complete && img.naturalWidth > 0, done: img.complete, src: img.getAttribute('src') ?? '' };
    });
    return { total: states.length, loaded: states.filter((s) => s.ok).length, broken: states.filter((s) => s.done && !s.ok).map((s) => s.src) };
  });
}

async function waitForImages(images: Locator, what: string, minimum = 1): Promise<number> {
  return waitFor(
    `${what} loaded`,
    async () => {
      const state = await imagesLoaded(images);
      assert.deepEqual(state.broken, [], `broken ${what}`);
      return state.total >= minimum && state.loaded === state.total ? state.total : undefined;
    },
    UI_TIMEOUT,
  );
}

/** Why the ONNX scenario is skipped (the workspace has no PyTorch model), or undefined. */
function onnxSkip(): string | undefined {
  try {
    const manifest = readManifest();
    return manifest.onnxModel ? undefined : `the workspace has no PyTorch ONNX model (${manifest.onnxMissing ?? 'made by an older make-e2e-workspace.ts'})`;
  } catch {
    return undefined; // the before hook says what is wrong with the workspace
  }
}

describe('VEBI in a real VS Code (code-server)', { timeout: 15 * 60_000 }, () => {
  let instance: VsCode | undefined;
  let manifest: Manifest;

  /** The panel of a model folder: a webview tab titled "VEBI: <folder>". */
  const panel = async (folder: string): Promise<FrameLocator> => {
    assert.ok(instance);
    return instance.webviewFrame(`VEBI: ${folder}`, undefined, RUN_TIMEOUT);
  };

  before(async () => {
    assert.ok(WORKSPACE && existsSync(path.join(WORKSPACE, 'model', 'model.json')), `VEBI_E2E_WORKSPACE must name a workspace made by scripts/make-e2e-workspace.ts (got "${WORKSPACE}")`);
    assert.ok(existsSync(CODE_SERVER), `${CODE_SERVER} is missing: run scripts/install-code-server.sh`);
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package (or set VEBI_E2E_VSIX)`);
    manifest = readManifest();
    instance = await VsCode.start({ workspace: WORKSPACE, vsix: VSIX });
  });

  after(async () => {
    await instance?.stop();
  });

  /**
   * Waits until `selector` is visible in the panel of `folder`, finding the panel again on every try:
   * revealing a hidden webview tab can replace its frame, which a located frame would not follow.
   */
  const waitInPanel = async (folder: string, selector: string, timeoutMs = RUN_TIMEOUT): Promise<FrameLocator> =>
    waitFor(
      `${selector} in the ${folder} panel`,
      async () => {
        const frame = await panel(folder);
        if (await frame.locator(selector).first().isVisible().catch(() => false)) return frame;
        // code-server sometimes leaves a webview revealed in the background blank until its tab is shown: show it, as a user would.
        await instance?.page.locator('.tabs-container .tab', { hasText: `VEBI: ${folder}` }).first().click({ timeout: 2_000 }).catch(() => undefined);
        return undefined;
      },
      timeoutMs,
      1_000,
    );

  /** A test step on the shared VS Code; a failure leaves a screenshot named after the test. */
  const scenario = (name: string, body: (vscode: VsCode) => Promise<void>, skip?: string): void => {
    test(name, { skip }, async () => {
      const vscode = instance;
      assert.ok(vscode, 'VS Code did not start (see the before hook)');
      try {
        await body(vscode);
      } catch (error) {
        const shot = await vscode.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => undefined);
        if (shot) writeFileSync(shot.replace(/\.png$/, '-frames.txt'), await vscode.describeFrames());
        throw error;
      }
    });
  };

  scenario('the VEBI commands are in the command palette', async (vscode) => {
    const entries = await waitFor(
      'every VEBI command in the palette',
      async () => {
        const found = await vscode.paletteEntries('VEBI:');
        return found && COMMANDS.every((title) => found.some((entry) => entry.startsWith(title))) ? found : undefined;
      },
      UI_TIMEOUT,
      1_000,
    );
    await vscode.screenshot('palette-vebi-commands');
    await vscode.closeQuickInput();
    assert.equal(entries.filter((entry) => entry.startsWith('VEBI:')).length, COMMANDS.length, entries.join('\n'));
  });

  scenario('Interpret Model opens the panel with the classes and their feature images', async (vscode) => {
    await vscode.quickOpen('model/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    // The first steps can be quick; a screenshot while it runs if the notification is caught.
    const progress = vscode.notification(/VEBI: interpreting model\/model\.json/);
    if (await progress.isVisible().catch(() => false)) await vscode.screenshot('interpret-progress');
    const app = await panel('model');
    const root = app.locator('#vebi-app');
    await root.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await app.locator('vscode-tabs').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await vscode.screenshot('interpret-overview');

    await app.locator('vscode-tab-header[data-view="classes"]').click();
    const classes = app.locator('[data-testid="class-item"]');
    await classes.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await classes.count(), manifest.classes.length, 'one class item per class folder');
    const cards = app.locator('vscode-tab-panel[data-view="classes"] [data-testid="feature-card"]');
    await cards.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.ok((await cards.count()) > 0, 'feature cards for the selected class');
    // Strips load lazily (below the fold); the average crop and guided view of each card load at once.
    const eager = app.locator('vscode-tab-panel[data-view="classes"] img[data-testid="feature-image"]:not([loading="lazy"])');
    const loaded = await waitForImages(eager, 'feature images');
    assert.ok(loaded > 0);
    await vscode.screenshot('interpret-classes');

    // Another class: its own cards and images.
    await classes.nth(manifest.classes.length - 1).click();
    await waitForImages(eager, 'feature images of the last class');
    await vscode.screenshot('interpret-classes-last');
    const errors = (await vscode.notifications()).filter((text) => /error|failed/i.test(text));
    assert.deepEqual(errors, [], 'no error notification');
  });

  scenario('a layer name in the panel opens its definition in the training code', async (vscode) => {
    const app = await panel('model');
    const link = app.locator('vscode-tab-panel[data-view="classes"] [data-layer="fc"]').first();
    await link.click();
    // train.py names it: layers.Dense(24, activation='relu', name='fc')
    const status = app.locator('vscode-tab-panel[data-view="classes"] [data-layer-location="fc"]').first();
    await waitFor('the layer location', async () => ((await status.textContent())?.includes(':') ? true : undefined), UI_TIMEOUT);
    const active = vscode.page.locator('.editor-group-container .tab.active', { hasText: 'train.py' });
    await active.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('reveal-layer');
    assert.match((await status.textContent()) ?? '', /^train\.py:\d+$/);
    const line = vscode.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: "name='fc'" });
    assert.ok(await line.first().isVisible(), "the line with name='fc' is on screen");
  });

  scenario('Explain Image shows the heatmap and the three feature cards', async (vscode) => {
    await vscode.quickOpen(manifest.explainImage);
    await vscode.page.locator('.tabs-container .tab', { hasText: path.basename(manifest.explainImage) }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    // VS Code's image preview puts the image size in the status bar once it has loaded it.
    await vscode.page.locator('.statusbar-item', { hasText: /^\d+x\d+$/ }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('explain-image-open');
    await vscode.runCommand('VEBI: Explain Image');
    const app = await panel('model');
    const heatmap = app.locator('img[data-testid="explain-heatmap"]');
    await heatmap.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await waitForImages(heatmap, 'explanation heatmap');
    const features = app.locator('[data-testid="explain-feature"]');
    await waitFor('three explained features', async () => ((await features.count()) === manifest.explainFeatures ? true : undefined), UI_TIMEOUT);
    await waitForImages(app.locator('[data-testid="explain-feature"] img:not([loading="lazy"])'), 'explained feature images', manifest.explainFeatures);
    await vscode.screenshot('explain-result');
    // Then every image of the cards, lazy strips included, once scrolled into view.
    await features.last().scrollIntoViewIfNeeded();
    await waitForImages(app.locator('[data-testid="explain-feature"] img'), 'all images of the explained features', manifest.explainFeatures);
    await vscode.screenshot('explain-features');
    assert.equal(await app.locator('[data-testid="explanation-warnings"]').count(), 0, 'an image of the data is not flagged');

    // The same image with its pixels inverted is unlike the interpreted data: the Explain view says so.
    await vscode.quickOpen('odd/inverted.png');
    await vscode.page.locator('.tabs-container .tab', { hasText: 'inverted.png' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.runCommand('VEBI: Explain Image');
    const warning = app.locator('[data-testid="explanation-warnings"]');
    await warning.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    assert.match((await warning.textContent()) ?? '', /unlike the \d+ images of .*data the model was interpreted on/);
    await vscode.screenshot('explain-unlike-data');
  });

  scenario('Evaluate Explanations: every method side by side on the open image, then a feature ablation from the panel', async (vscode) => {
    await vscode.quickOpen(manifest.explainImage);
    await vscode.page.locator('.tabs-container .tab', { hasText: path.basename(manifest.explainImage) }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.runCommand('VEBI: Evaluate Explanations');
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: evaluate explanations' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('evaluate-pick');
    await vscode.pick('Compare methods on an image');
    const app = await panel('model');
    const comparison = app.locator('[data-testid="evaluation-comparison"]');
    await comparison.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    // The input and one overlay per method (11), each a loaded image.
    const tiles = await waitForImages(comparison.locator('img'), 'method overlays', 12);
    assert.equal(tiles, 12);
    for (const method of ['vebi', 'gradcam', 'guided-backprop', 'integrated-gradients']) assert.ok(await comparison.locator(`[data-testid="method-${method}"] img`).isVisible(), `${method} tile`);
    await vscode.screenshot('evaluate-comparison');

    // From the view's own button: the ablation asks which labelled images, then shows its table and plot.
    await app.locator('[data-testid="evaluate-ablation"]').click();
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: labelled images to measure the accuracy on' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.pick(/\bdata\s*$/);
    const ablation = app.locator('[data-testid="evaluation-ablation"]');
    await ablation.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await ablation.locator('[data-testid="ablation-chart"] svg path.chart-line').first().waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    assert.equal(await ablation.locator('[data-testid="ablation-chart"] svg path.chart-line').count(), 4, 'four lines: relevant and random, on the class and on the others');
    const rows = await ablation.locator('[data-testid="ablation-table"] tbody tr').count();
    assert.ok(rows >= 3, `the ablation table has the intact row and a row per count (${rows})`);
    await ablation.scrollIntoViewIfNeeded();
    await vscode.screenshot('evaluate-ablation');
    const errors = (await vscode.notifications()).filter((text) => /error|failed/i.test(text));
    assert.deepEqual(errors, [], 'no error notification');
  });

  /** Interprets `folder`/model.json (its data folder is preset) and clicks `layer` in the Overview's layer table. */
  const clickLayerOfNewPanel = async (vscode: VsCode, folder: string, layer: string): Promise<Locator> => {
    await vscode.quickOpen(`${folder}/model.json`);
    await vscode.runCommand('VEBI: Interpret Model');
    const app = await panel(folder);
    await app.locator('vscode-tabs').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await app.locator('vscode-tab-header[data-view="overview"]').click();
    const link = app.locator(`vscode-tab-panel[data-view="overview"] [data-layer="${layer}"]`).first();
    await link.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await link.scrollIntoViewIfNeeded();
    await link.click();
    const status = app.locator(`vscode-tab-panel[data-view="overview"] [data-layer-location="${layer}"]`).first();
    await waitFor(`the location of ${layer}`, async () => ((await status.textContent())?.includes(':') ? true : undefined), UI_TIMEOUT);
    return status;
  };

  scenario("Keras's automatic layer names open the unnamed call that made the layer, in a script and in a notebook", async (vscode) => {
    // keras-app/train.py: the second unnamed Conv2D (strides=2) is "conv2d_1"; notebook-app has the same calls.
    const status = await clickLayerOfNewPanel(vscode, 'keras-app', 'conv2d_1');
    await vscode.page.locator('.editor-group-container .tab.active', { hasText: 'train.py' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match((await status.textContent()) ?? '', /^keras-app\/train\.py:\d+ \(Keras's automatic name for this Conv2D call\)/);
    const line = vscode.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'strides=2' });
    await line.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('reveal-auto-named-layer-script');

    // In the notebook, the dense layers are in the fourth cell (the second code cell).
    const inNotebook = await clickLayerOfNewPanel(vscode, 'notebook-app', 'dense');
    await vscode.page.locator('.editor-group-container .tab.active', { hasText: 'explore.ipynb' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match((await inNotebook.textContent()) ?? '', /^notebook-app\/explore\.ipynb cell 4:\d+ \(Keras's automatic name for this Dense call\)/);
    await vscode.page.locator('.notebook-editor .view-line', { hasText: "layers.Dense(24, activation='relu')" }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('reveal-auto-named-layer-notebook');
  });

  scenario('a wrong data folder is warned about and changed from the panel; the folder that ran is remembered', async (vscode) => {
    await vscode.quickOpen('model-b/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    const title = vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: labelled image folder for model-b/model.json' });
    await title.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    // Ranked by fit: every candidate says how its class folders compare with the model's 4 classes.
    const rows = vscode.quickInput().locator('.quick-input-list .monaco-list-row');
    await waitFor('ranked candidates', async () => ((await rows.filter({ hasText: 'as the model has' }).count()) >= 3 ? true : undefined), UI_TIMEOUT);
    await vscode.screenshot('change-folder-first-pick');
    await vscode.pick('data-wrong');
    const app = await panel('model-b');
    const warnings = app.locator('[data-testid="report-warnings"]');
    await warnings.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    assert.match((await warnings.textContent()) ?? '', /near chance/);
    assert.equal((await app.locator('[data-testid="data-folder"]').textContent())?.trim(), 'data-wrong');
    await vscode.screenshot('change-folder-wrong-warned');

    await app.locator('[data-testid="change-data-folder"]').click();
    await title.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await waitFor('the current folder marked', async () => ((await rows.filter({ hasText: '(current)' }).count()) === 1 ? true : undefined), UI_TIMEOUT);
    assert.match((await rows.filter({ hasText: '(current)' }).textContent()) ?? '', /data-wrong/);
    await vscode.pick('data');
    await waitFor('the panel on data', async () => ((await app.locator('[data-testid="data-folder"]').textContent())?.trim() === 'data' ? true : undefined), RUN_TIMEOUT);
    assert.equal(await warnings.count(), 0, 'no warning on the right folder');
    await vscode.screenshot('change-folder-changed');

    // Interpret again: the folder that ran is used without asking, and the notification names it.
    await vscode.quickOpen('model-b/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    const progress = vscode.notification(/VEBI: interpreting model-b\/model\.json on data\b/);
    const asked = await waitFor('a run or a question', async () => ((await title.isVisible()) ? 'asked' : (await progress.isVisible()) || (await app.locator('[data-testid="data-folder"]').textContent())?.trim() === 'data' ? 'ran' : undefined), UI_TIMEOUT);
    assert.equal(asked, 'ran');
  });

  scenario('several models: Explain asks which, a window reload reopens each panel on its own model, Clear Cached Results empties every panel', async (vscode) => {
    // Open by now: the panels of model, keras-app, notebook-app and model-b; the image editor is active, not a panel.
    await vscode.quickOpen(manifest.explainImage);
    await vscode.page.locator('.tabs-container .tab', { hasText: path.basename(manifest.explainImage) }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.runCommand('VEBI: Explain Image');
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: which model?' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('two-models-which-model');
    await vscode.pick('keras-app/model.json');
    const keras = await waitInPanel('keras-app', 'img[data-testid="explain-heatmap"]');
    assert.match((await keras.locator('.app-header__model').textContent()) ?? '', /keras-app\/model\.json/);
    await vscode.screenshot('two-models-explained-by-chosen');

    await vscode.runCommand('Developer: Reload Window');
    await vscode.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    for (const folder of ['keras-app', 'model-b']) {
      await vscode.page.locator('.tabs-container .tab', { hasText: `VEBI: ${folder}` }).first().click({ timeout: RUN_TIMEOUT });
      // The panel is found again on every try: a webview revived after a reload can replace its frame.
      await waitFor(
        `the restored ${folder} panel on its own model`,
        async () => {
          const restored = await panel(folder);
          const header = await restored.locator('.app-header__model').textContent({ timeout: 2_000 }).catch(() => null);
          return header?.includes(`${folder}/model.json`) ? true : undefined;
        },
        RUN_TIMEOUT,
        1_000,
      );
      await vscode.screenshot(`reload-restored-${folder}`);
    }

    await vscode.runCommand('VEBI: Clear Cached Results');
    const cleared = await panel('model-b');
    await cleared.locator('[data-testid="panel-notice"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await cleared.locator('img').count(), 0, 'no image left pointing at removed files');
    await vscode.screenshot('clear-cache-open-panel');
  });

  scenario('Explain during an Interpret waits for the report; a second Interpret leaves no CANCELLED banner', async (vscode) => {
    // After Clear Cached Results nothing is cached: this interpretation computes.
    await vscode.quickOpen('model-b/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    const app = await panel('model-b');
    await vscode.notification(/VEBI: interpreting model-b/).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.runCommand('VEBI: Interpret Model'); // replaces the first run
    await vscode.quickOpen(manifest.explainImage);
    await vscode.runCommand('VEBI: Explain Image');
    // The image editor is active and several panels are open: VEBI asks which model (model-b).
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: which model?' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.pick('model-b/model.json');
    await app.locator('img[data-testid="explain-heatmap"]').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    assert.equal(await app.locator('[data-testid="error"]').filter({ visible: true }).count(), 0, 'no error banner (no stale CANCELLED)');
    const stale = (await vscode.notifications()).filter((text) => /no interpreted model|cancelled/i.test(text));
    assert.deepEqual(stale, [], 'no "no interpreted model yet" and no cancel notice');
    await vscode.screenshot('explain-during-interpret');
  });

  scenario('a long run is cancelled from its notification', async (vscode) => {
    await vscode.quickOpen('model-large/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    // model-large is not preset in vebi.dataFolders: the folder is asked for.
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: labelled image folder for model-large/model.json' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('cancel-folder-pick');
    await vscode.pick('data-large');
    const progress = vscode.notification(/VEBI: interpreting model-large/);
    await progress.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    // Let it get into feature extraction ("Extracting internal features: 640/4800 images"), so the cancel reaches a busy engine.
    await waitFor('feature extraction', async () => (/\d+\/\d+ images/.test((await progress.textContent()) ?? '') ? true : undefined), UI_TIMEOUT);
    const app = await panel('model-large');
    await app.locator('[data-testid="progress"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('cancel-running');
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const cancelled = vscode.notification(/cancelled/i);
    await cancelled.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await progress.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    const banner = app.locator('[data-testid="error"]');
    await banner.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match((await banner.textContent()) ?? '', /CANCELLED|cancel/i);
    // Nothing was written: the panel has no results to show.
    await app.locator('[data-testid="empty-state"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('cancel-done');
  });

  /**
   * The explorer's row of a workspace-relative path: the tree collapsed (opening files revealed
   * them), then the path's folders expanded one level at a time, as a user clicks them open.
   */
  const explorerRow = async (vscode: VsCode, relPath: string): Promise<Locator> => {
    await vscode.runCommand('View: Show Explorer');
    const tree = vscode.page.locator('.explorer-folders-view');
    await tree.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const collapse = vscode.page.locator('.pane-header .action-label[aria-label^="Collapse Folders in Explorer"]').first();
    await collapse.hover();
    await collapse.click();
    const parts = relPath.split('/');
    let row: Locator | undefined;
    for (const [level, part] of parts.entries()) {
      const exact = new RegExp(`^${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      row = tree.locator(`.monaco-list-row[aria-level="${level + 1}"]`).filter({ has: vscode.page.locator('.label-name', { hasText: exact }) }).first();
      await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      if (level < parts.length - 1 && (await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    assert.ok(row);
    await row.scrollIntoViewIfNeeded();
    return row;
  };

  /** Right-clicks a file in the explorer and runs `title` from its context menu. */
  const explorerMenu = async (vscode: VsCode, relPath: string, title: string): Promise<void> => {
    const row = await explorerRow(vscode, relPath);
    const item = vscode.page.locator('.context-view .action-item').filter({ has: vscode.page.locator('.action-label', { hasText: new RegExp(`^${title}$`) }) }).first();
    // The menu lists VEBI's entry once the extension has found the model files: right-click again until it does.
    await waitFor(
      `"${title}" in the context menu of ${relPath}`,
      async () => {
        await row.click({ button: 'right', timeout: 5_000 });
        if (await item.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) return true;
        await vscode.page.keyboard.press('Escape');
        await vscode.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
        return undefined;
      },
      UI_TIMEOUT,
      1_000,
    );
    await vscode.screenshot(`explorer-menu-${path.basename(relPath).replace(/[^a-z0-9]+/gi, '-')}`);
    await item.click();
  };

  /** The error notification naming `file` (a workspace-relative path). */
  const errorNaming = (vscode: VsCode, file: string): Locator => {
    return vscode.page.locator('.notifications-toasts .notification-list-item').filter({ has: vscode.page.locator('.codicon-error') }).filter({ hasText: file }).first();
  };

  scenario('Interpret Model on an open broken model.json shows an error naming the file', async (vscode) => {
    await vscode.quickOpen('broken/model.json');
    await vscode.runCommand('VEBI: Interpret Model');
    const error = errorNaming(vscode, 'broken/model.json');
    const title = vscode.quickInput().locator('.quick-input-title');
    // Either an error at once, or the folder question first and the engine's error after it.
    const first = await waitFor(
      'an error naming broken/model.json or a question',
      async () => ((await error.isVisible()) ? 'error' : (await vscode.quickInput().isVisible()) ? ((await title.textContent()) ?? '') : undefined),
      UI_TIMEOUT,
    ).catch(() => 'nothing');
    if (first.startsWith('VEBI: labelled image folder for broken/model.json')) {
      await vscode.pick('data');
      await error.waitFor({ state: 'visible', timeout: RUN_TIMEOUT }).catch(() => undefined);
    }
    await vscode.screenshot('broken-model-active-error');
    assert.ok(await error.isVisible(), `an error notification naming broken/model.json; got ${first === 'nothing' ? 'nothing' : `"${first}"`} and notifications ${JSON.stringify(await vscode.notifications())}`);
    await vscode.closeQuickInput();
  });

  scenario('a model whose weight shard is missing, chosen in the open dialog, gives an error naming the shard', async (vscode) => {
    // A JSON file that is not a model is not taken for one: VEBI asks which model.
    await vscode.quickOpen('config/settings.json');
    await vscode.runCommand('VEBI: Interpret Model');
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: model to interpret' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('missing-shard-pick');
    await vscode.pick(/^\s*Choose a model file/);
    // code-server's open dialog is VS Code's own "simple file dialog": a path typed into a quick input.
    await vscode.typeInOpenDialog(path.join(WORKSPACE, 'missing-shard', 'model.json'));
    await vscode.screenshot('missing-shard-open-dialog');
    // The file is a valid model.json: the folder is asked, then the engine finds the shard missing.
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: labelled image folder for missing-shard/model.json' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.pick('data');
    const error = errorNaming(vscode, 'group1-shard1of1.bin');
    await error.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    assert.match((await error.textContent()) ?? '', /missing-shard/);
    // The panel says it too, with the error's code and path.
    const banner = (await panel('missing-shard')).locator('[data-testid="error"]');
    await banner.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match((await banner.textContent()) ?? '', /group1-shard1of1\.bin/);
    await vscode.screenshot('missing-shard-error');
  });

  scenario('dead ends have a way out: Localization without masks offers the flowers benchmark; the vebi command line runs in a terminal', async (vscode) => {
    await vscode.runCommand('VEBI: Generate the Flowers Benchmark (images with part masks)...');
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: generate the flowers benchmark' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.screenshot('flowers-variant-pick');
    await vscode.pick('single-6c');
    const done = vscode.notification(/wrote 600 flower images and their masks to vebi-flowers-single-6c/);
    await done.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await vscode.screenshot('flowers-generated');
    assert.ok(existsSync(path.join(WORKSPACE, 'vebi-flowers-single-6c', 'masks')), 'masks/ written into the workspace');

    // Localization now finds the folder with masks in the workspace. The model open in the editor is the one evaluated.
    await vscode.quickOpen('model-b/model.json');
    await vscode.runCommand('VEBI: Evaluate Explanations');
    const which = vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: which model?' });
    const kind = vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: evaluate explanations' });
    await waitFor('a question', async () => ((await which.isVisible()) || (await kind.isVisible()) ? true : undefined), UI_TIMEOUT);
    assert.ok(!(await which.isVisible()), 'the model open in the editor is used without asking');
    await kind.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vscode.pick('Localization (IoU with ground-truth masks)');
    await vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: images with ground-truth masks' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const rows = vscode.quickInput().locator('.quick-input-list .monaco-list-row');
    await waitFor('the generated folder offered', async () => ((await rows.filter({ hasText: 'vebi-flowers-single-6c' }).count()) === 1 ? true : undefined), UI_TIMEOUT);
    assert.equal(await rows.filter({ hasText: 'Generate the flowers benchmark' }).count(), 1);
    await vscode.screenshot('localization-folder-pick');
    await vscode.closeQuickInput();

    await vscode.runCommand('VEBI: Open a Terminal with the vebi Command Line');
    await vscode.page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'VEBI CLI' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT }).catch(() => undefined);
    const shim = path.join(vscode.userDataDir, 'User', 'globalStorage', 'vebi.vebi-vscode', 'bin', 'vebi');
    await waitFor('the vebi shim', async () => (existsSync(shim) ? true : undefined), UI_TIMEOUT);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // let "vebi --help" print
    await vscode.screenshot('cli-terminal');
    // The shim runs the CLI bundled in the installed extension, with the editor's own Node.
    const help = spawnSync(shim, ['--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /vebi interpret/);
  });

  scenario(
    'a PyTorch model: right-click onnx-model/classifier.onnx, Interpret Model shows module-path layers; Explain Image shows the heatmap and feature cards',
    async (vscode) => {
      const onnx = manifest.onnxModel;
      assert.ok(onnx);
      const modules = new Set(onnx.modules);
      // Earlier scenarios leave the terminal open and notifications up: room for the panel, and only this scenario's notifications.
      // (Both commands are in the palette only when there is something to hide.)
      if (await vscode.page.locator('.part.panel').isVisible()) await vscode.runCommand('View: Hide Panel');
      if ((await vscode.notifications()).length > 0) await vscode.runCommand('Notifications: Clear All Notifications');
      await explorerMenu(vscode, onnx.path, 'VEBI: Interpret Model');
      // Its data folder is preset in .vscode/settings.json: no question, the run starts.
      const folder = path.basename(onnx.path);
      const app = await panel(folder);
      await app.locator('vscode-tabs').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
      assert.match((await app.locator('.app-header__model').textContent()) ?? '', /onnx-model\/classifier\.onnx/);
      await app.locator('vscode-tab-header[data-view="classes"]').click();
      const classes = app.locator('[data-testid="class-item"]');
      await classes.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      assert.equal(await classes.count(), manifest.classes.length, 'one class item per class folder');
      const cards = app.locator('vscode-tab-panel[data-view="classes"] [data-testid="feature-card"]');
      await cards.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await waitForImages(app.locator('vscode-tab-panel[data-view="classes"] img[data-testid="feature-image"]:not([loading="lazy"])'), 'feature images of the ONNX model');
      // The layer names are the net's PyTorch module paths (conv1, relu3, fc1...), not ONNX node names (/conv1/Conv, Relu_2).
      const layers = await app.locator('vscode-tab-panel[data-view="classes"] [data-testid="feature-card"] [data-layer]').evaluateAll((els) => els.map((el) => el.getAttribute('data-layer') ?? ''));
      assert.ok(layers.length > 0, 'feature cards name their layers');
      assert.deepEqual(layers.filter((layer) => !modules.has(layer)), [], `layer names outside the module paths ${onnx.modules.join(', ')}`);
      await vscode.screenshot('onnx-interpret-classes');

      await explorerMenu(vscode, manifest.explainImage, 'VEBI: Explain Image');
      // Several panels are open by now: VEBI may ask which model explains the image.
      const which = vscode.quickInput().locator('.quick-input-title', { hasText: 'VEBI: which model?' });
      const heatmap = app.locator('img[data-testid="explain-heatmap"]');
      const first = await waitFor('the question or the heatmap', async () => ((await which.isVisible()) ? 'asked' : (await heatmap.isVisible().catch(() => false)) ? 'shown' : undefined), RUN_TIMEOUT);
      if (first === 'asked') await vscode.pick(onnx.path);
      const explained = await waitInPanel(folder, 'img[data-testid="explain-heatmap"]');
      await waitForImages(explained.locator('img[data-testid="explain-heatmap"]'), 'explanation heatmap of the ONNX model');
      const features = explained.locator('[data-testid="explain-feature"]');
      await waitFor(`${onnx.explainFeatures} explained features`, async () => ((await features.count()) === onnx.explainFeatures ? true : undefined), UI_TIMEOUT);
      await waitForImages(explained.locator('[data-testid="explain-feature"] img:not([loading="lazy"])'), 'explained feature images', onnx.explainFeatures);
      const explainedLayers = await explained.locator('[data-testid="explain-feature"] [data-layer]').evaluateAll((els) => els.map((el) => el.getAttribute('data-layer') ?? ''));
      assert.ok(explainedLayers.length > 0 && explainedLayers.every((layer) => modules.has(layer)), `explained features' layers: ${explainedLayers.join(', ')}`);
      await vscode.screenshot('onnx-explain-result');
      await features.first().scrollIntoViewIfNeeded();
      await vscode.screenshot('onnx-explain-features');
      const errors = (await vscode.notifications()).filter((text) => /error|failed/i.test(text));
      assert.deepEqual(errors, [], 'no error notification');
    },
    onnxSkip(),
  );
});
