/**
 * End-to-end harness: a real VS Code (code-server, installed by scripts/install-code-server.sh) on
 * 127.0.0.1 with throwaway profile folders, driven through Debian's Chromium by playwright-core.
 * `stop()` always kills the whole code-server process group and the browser.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export const E2E_HOME = process.env.VEBI_E2E_HOME ?? path.join(os.homedir(), '.cache', 'vebi-e2e');
export const CODE_SERVER = process.env.CODE_SERVER_BIN ?? path.join(E2E_HOME, 'code-server', 'bin', 'code-server');
export const ARTIFACTS = path.resolve(process.env.VEBI_E2E_ARTIFACTS ?? path.join(__dirname, '..', '..', 'artifacts', 'e2e'));

export interface StartOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** .vsix installed into the fresh extensions folder before start. */
  vsix?: string;
  /** Extra user settings (merged over quiet defaults). */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

/** User settings that keep start-up pages, tips and update checks out of the screenshots. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.watcherExclude': { '**/data-large/**': true },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(intervalMs);
  }
}

// Live instances, killed on any exit of the test process so that no code-server outlives it.
const live = new Set<VsCode>();
process.once('exit', () => {
  for (const vscode of live) vscode.killServerSync();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const vscode of live) vscode.killServerSync();
    process.exit(128 + os.constants.signals[signal]);
  });
}

export class VsCode {
  readonly page: Page;
  readonly url: string;
  readonly logFile: string;
  private shots = 0;

  private constructor(
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    page: Page,
    url: string,
    private readonly root: string,
    readonly workspace: string,
  ) {
    this.page = page;
    this.url = url;
    this.logFile = path.join(root, 'code-server.log');
  }

  /** Starts code-server on a free loopback port, opens the workspace in Chromium, waits for the workbench. */
  static async start(options: StartOptions): Promise<VsCode> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-e2e-'));
    const dirs = {
      userData: path.join(root, 'user-data'),
      extensions: path.join(root, 'extensions'),
      home: path.join(root, 'home'),
      xdgConfig: path.join(root, 'home', '.config'),
      xdgData: path.join(root, 'home', '.local', 'share'),
      xdgCache: path.join(root, 'home', '.cache'),
    };
    await Promise.all(Object.values(dirs).map((dir) => fs.mkdir(dir, { recursive: true })));
    await fs.mkdir(path.join(dirs.userData, 'User'), { recursive: true });
    await fs.writeFile(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
    const port = await freePort();
    const config = path.join(root, 'config.yaml');
    await fs.writeFile(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_DATA_HOME: dirs.xdgData,
      XDG_CACHE_HOME: dirs.xdgCache,
      // Set inside a VS Code terminal: code-server would then hand --install-extension and the folder to that VS Code.
      VSCODE_IPC_HOOK_CLI: undefined,
    };
    const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

    if (options.vsix) {
      const install = spawnSync(CODE_SERVER, [...common, '--install-extension', path.resolve(options.vsix)], { env, encoding: 'utf8', timeout: 120_000 });
      if (install.status !== 0) {
        await fs.rm(root, { recursive: true, force: true });
        throw new Error(`code-server --install-extension ${options.vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
      }
    }

    const logFile = path.join(root, 'code-server.log');
    const log = await fs.open(logFile, 'w');
    // Its own process group, so that stop() reaches the extension host and the engine process too.
    const server = spawn(
      CODE_SERVER,
      [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', options.workspace],
      { env, detached: true, stdio: ['ignore', log.fd, log.fd] },
    );
    await log.close();
    const base = `http://127.0.0.1:${port}`;
    let browser: Browser | undefined;
    try {
      await waitFor(
        'code-server /healthz',
        async () => {
          if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see ${logFile}`);
          const response = await fetch(`${base}/healthz`);
          return response.ok ? true : undefined;
        },
        60_000,
      );
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
      const page = await context.newPage();
      // The browser's console (webview frames included) goes to code-server's log folder, kept by stop().
      const consoleLog = path.join(root, 'browser-console.log');
      const note = (line: string): void => void fs.appendFile(consoleLog, `${new Date().toISOString()} ${line}\n`).catch(() => undefined);
      page.on('console', (message) => note(`[${message.type()}] ${message.location().url.slice(0, 120)}: ${message.text()}`));
      page.on('pageerror', (error) => note(`[pageerror] ${error.message}`));
      page.on('frameattached', (frame) => note(`[frame+] ${frame.url().slice(0, 160)}`));
      page.on('framedetached', (frame) => note(`[frame-] ${frame.url().slice(0, 160)}`));
      const url = `${base}/?folder=${encodeURIComponent(path.resolve(options.workspace))}`;
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      const vscode = new VsCode(server, browser, page, url, root, options.workspace);
      live.add(vscode);
      return vscode;
    } catch (error) {
      await browser?.close().catch(() => undefined);
      killGroup(server);
      const log = (await fs.readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
      await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
      throw new Error(`VS Code did not start: ${error instanceof Error ? error.message : String(error)}\ncode-server log (last lines):\n${log}`);
    }
  }

  /** code-server's --user-data-dir (the extension's global storage is under User/globalStorage). */
  get userDataDir(): string {
    return path.join(this.root, 'user-data');
  }

  /** Runs a command by its palette title; retries while the extension's commands are not registered yet. */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    const row = await this.openPaletteAt(title, timeoutMs);
    await row.click();
  }

  /** The palette entries matching `filter` (palette left open; call `closeQuickInput`). */
  async paletteEntries(filter: string): Promise<string[]> {
    await this.openPalette();
    const input = this.quickInput().locator('input');
    await input.fill(`>${filter}`, { timeout: 5_000 });
    await sleep(300);
    return this.quickInput().locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P), in the first editor group: where a user's
   * files are, not in the group of a panel that happens to have focus.
   */
  async quickOpen(relPath: string, timeoutMs = 30_000): Promise<void> {
    const name = path.basename(relPath);
    const row = await waitFor(
      `Quick Open entry ${relPath}`,
      async () => {
        await this.closeQuickInput();
        await this.focusWorkbench();
        await this.page.keyboard.press('Control+1');
        await this.page.keyboard.press('Control+P');
        const input = this.quickInput().locator('input');
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        // A short timeout: Quick Open closes when something else takes focus (a webview, a
        // notification), and the retry must reopen it rather than wait on a hidden input.
        await input.fill(relPath, { timeout: 3_000 });
        // Rows are labelled "<name>, <folder>"; the file search takes a moment on first use.
        const rows = this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: name });
        const dir = path.dirname(relPath);
        const match = dir === '.' ? rows.first() : rows.filter({ hasText: dir }).first();
        await match.waitFor({ state: 'visible', timeout: 4_000 });
        return match;
      },
      timeoutMs,
      500,
    );
    await row.click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** The visible quick pick / input box (for questions the extension asks). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Types `target` into VS Code's simple open dialog (a path in a quick input) and accepts it. The
   * dialog fills its input with the current folder asynchronously and can overwrite a path typed
   * too early: type until the path stays.
   */
  async typeInOpenDialog(target: string, timeoutMs = 30_000): Promise<void> {
    const input = this.quickInput().locator('input');
    await waitFor('the open dialog', async () => ((await input.inputValue()).startsWith('/') ? true : undefined), timeoutMs);
    await waitFor(
      'the typed path to stay in the open dialog',
      async () => {
        if ((await input.inputValue()) !== target) await input.fill(target);
        await sleep(400);
        return (await input.inputValue()) === target ? true : undefined;
      },
      timeoutMs,
    );
    await input.press('Enter');
  }

  /** Picks a row of an open quick pick by its label (a string matches the whole label). */
  async pick(label: string | RegExp, timeoutMs = 30_000): Promise<void> {
    const exact = typeof label === 'string' ? new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : label;
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /**
   * The inner frame of a webview (VS Code nests it: iframe.webview > iframe#active-frame): of the
   * editor tab titled `title` (the active tab of its group), else the visible one of `extensionId`.
   */
  async webviewFrame(title?: string, extensionId = 'vebi.vebi-vscode', timeoutMs = 30_000): Promise<FrameLocator> {
    const inner = (outer: Locator) => outer.contentFrame().locator('iframe#active-frame').contentFrame();
    if (title === undefined) return inner(this.page.locator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).filter({ visible: true }).first());
    // Tabs are labelled "<title>" or "<title>, Editor Group N"; the webview overlay points at its editor element.
    const script = `(() => {
      const title = ${JSON.stringify(title)};
      for (const group of document.querySelectorAll('.editor-group-container')) {
        const tab = group.querySelector('.tab.active');
        const label = tab ? tab.getAttribute('aria-label') || '' : '';
        if (label !== title && !label.startsWith(title + ',')) continue;
        const editor = group.querySelector('[id^="webview-editor-element-"]');
        if (editor) return editor.id;
      }
      return undefined;
    })()`;
    const id = await waitFor(`a webview tab titled "${title}"`, async () => (await this.page.evaluate<string | undefined>(script)) ?? undefined, timeoutMs);
    return inner(this.page.locator(`[data-parent-flow-to-element-id="${id}"] > iframe.webview`));
  }

  /** Every frame of the page with its URL and what its document holds: evidence for a blank webview. */
  async describeFrames(): Promise<string> {
    const lines: string[] = [];
    for (const frame of this.page.frames()) {
      const inside = await Promise.race([
        frame.evaluate('`${document.readyState} body=${document.body ? document.body.innerHTML.length : -1} frames=${[...document.querySelectorAll("iframe")].map((f) => (f.id || f.className) + (f.style.visibility ? ":" + f.style.visibility : "")).join(",")} app=${document.getElementById("vebi-app") ? document.getElementById("vebi-app").innerText.slice(0, 80).replace(/\\s+/g, " ") : "-"}`')
          .catch((error: unknown) => `unreadable: ${String(error).slice(0, 80)}`),
        sleep(3_000).then(() => 'no answer in 3 s'),
      ]);
      lines.push(`${frame.isDetached() ? 'DETACHED ' : ''}${frame.url().slice(0, 140)}\n    ${String(inside)}`);
    }
    return lines.join('\n');
  }

  /** Texts of the notification toasts on screen, or of every notification in the center. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item').evaluateAll((items) =>
      items.map((item) => (item.getAttribute('aria-label') ?? item.textContent ?? '').trim()),
    );
  }

  /** A notification toast containing `text` (a Locator, so it can be awaited or clicked into). */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
  }

  /** Full-window PNG in artifacts/e2e, numbered in the order taken. */
  async screenshot(name: string, settleMs = 400): Promise<string> {
    // Notification toasts and quick picks slide in: let them land before the picture.
    await sleep(settleMs);
    await fs.mkdir(ARTIFACTS, { recursive: true });
    this.shots++;
    const file = path.join(ARTIFACTS, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Closes the browser, kills code-server's process group, keeps its logs (code-server's and VS
   * Code's, extension host and the extension's output channel included) in artifacts/e2e/logs,
   * removes the temp profile. Safe to call twice.
   */
  async stop(): Promise<void> {
    if (!live.delete(this)) return;
    await this.browser.close().catch(() => undefined);
    await killGroupAndWait(this.server);
    const logs = path.join(ARTIFACTS, 'logs');
    await fs.mkdir(logs, { recursive: true });
    await fs.cp(this.logFile, path.join(logs, 'code-server.log')).catch(() => undefined);
    await fs.cp(path.join(this.root, 'browser-console.log'), path.join(logs, 'browser-console.log')).catch(() => undefined);
    await fs.cp(path.join(this.root, 'user-data', 'logs'), path.join(logs, 'vscode'), { recursive: true }).catch(() => undefined);
    await fs.rm(this.root, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Synchronous last resort for process exit. */
  killServerSync(): void {
    killGroup(this.server);
    rmSync(this.root, { recursive: true, force: true });
  }

  private async focusWorkbench(): Promise<void> {
    // Keys pressed while focus is inside a webview iframe never reach the workbench's keybindings.
    await this.page.evaluate('document.activeElement && document.activeElement.tagName === "IFRAME" && document.activeElement.blur()');
  }

  private async openPalette(): Promise<void> {
    await this.closeQuickInput();
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    await this.quickInput().locator('input').waitFor({ state: 'visible', timeout: 5_000 });
  }

  private async openPaletteAt(title: string, timeoutMs: number): Promise<Locator> {
    return waitFor(
      `command "${title}" in the palette`,
      async () => {
        await this.openPalette();
        await this.quickInput().locator('input').fill(`>${title}`, { timeout: 3_000 });
        const row = this.quickInput().locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
        await row.waitFor({ state: 'visible', timeout: 2_000 });
        return row;
      },
      timeoutMs,
      500,
    );
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function killGroupAndWait(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
  // Children that ignore SIGTERM (or outlive their parent) go with the group.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the whole group is gone
  }
  if (timedOut) await Promise.race([exited, sleep(2_000)]);
}
