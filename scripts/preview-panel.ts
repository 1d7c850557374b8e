/**
 * Dev preview of the VEBI panel without VS Code: bundles webview-ui/src/main.ts, writes a page with
 * VS Code-like theme variables, a stub acquireVsCodeApi (posted messages go to the console) and an
 * `init` built from real report folders, then screenshots it with headless Chromium. A dev tool,
 * not a test.
 *
 *   node --import tsx scripts/preview-panel.ts --report runs/mnist60k-conv --explanation runs/e-conv-3 \
 *     --evaluations runs/compare,runs/localization --out /tmp/preview --theme dark|light|hc --view overview|classes|explain|evaluation
 *
 * --theme and --view also take comma lists (dark,light,hc) or `all`. Options: --width N (1200),
 * --class N (class selected in Classes), --state progress|error|empty, --expand (open collapsibles).
 * The page uses the panel's strict CSP, so anything it would block in VS Code is reported here.
 */
import { build } from 'esbuild';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { EVALUATION_FILES, EVALUATION_KINDS, type EvaluationKind } from '../src/shared/evaluation';
import type { PanelState, PanelView, ShownEvaluation } from '../src/shared/panel-protocol';
import type { ExplanationReport, InterpretReport } from '../src/shared/report';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const THEMES = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' } as const;
type Theme = keyof typeof THEMES;
const VIEWS: PanelView[] = ['overview', 'classes', 'explain', 'evaluation'];
const ROOT = path.resolve(__dirname, '..');

interface Options {
  report?: string;
  explanation?: string;
  /** Evaluation folders (compare, localization, ablation, sanity), comma-separated. */
  evaluations: string[];
  out: string;
  themes: Theme[];
  views: PanelView[];
  width: number;
  selectedClass: number;
  state?: 'progress' | 'error' | 'empty';
  expand: boolean;
}

function list<T extends string>(value: string | undefined, all: readonly T[], fallback: T): T[] {
  if (!value) return [fallback];
  if (value === 'all') return [...all];
  const items = value.split(',');
  const bad = items.filter((item) => !all.includes(item as T));
  if (bad.length) throw new Error(`Unknown value ${bad.join(', ')}: expected ${all.join(', ')} or all.`);
  return items as T[];
}

function parseArgs(argv: string[]): Options {
  const args = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'expand') flags.add(key);
    else args.set(key, argv[++i] ?? '');
  }
  const state = args.get('state');
  if (state !== undefined && state !== 'progress' && state !== 'error' && state !== 'empty') throw new Error('--state takes progress, error or empty.');
  return {
    report: args.get('report'),
    explanation: args.get('explanation'),
    evaluations: (args.get('evaluations') ?? '').split(',').filter(Boolean),
    out: path.resolve(args.get('out') ?? '/tmp/vebi-preview'),
    themes: list(args.get('theme'), Object.keys(THEMES) as Theme[], 'dark'),
    views: list(args.get('view'), VIEWS, 'overview'),
    width: Number(args.get('width') ?? 1200),
    selectedClass: Number(args.get('class') ?? 0),
    state,
    expand: flags.has('expand'),
  };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

async function panelState(options: Options, view: PanelView): Promise<PanelState> {
  const state: PanelState = { modelPath: '', view };
  if (options.state !== 'empty' && options.report) {
    const dir = path.resolve(options.report);
    const report = await readJson<InterpretReport>(path.join(dir, 'report.json'));
    state.modelPath = report.model.path;
    state.interpretation = { report, base: pathToFileURL(dir).href, cached: true };
  }
  if (options.state !== 'empty' && options.explanation) {
    const dir = path.resolve(options.explanation);
    state.explanation = { report: await readJson<ExplanationReport>(path.join(dir, 'explanation.json')), base: pathToFileURL(dir).href };
  }
  for (const folder of options.state === 'empty' ? [] : options.evaluations) {
    const dir = path.resolve(folder);
    const kind = await evaluationKind(dir);
    const summary = await readJson<ShownEvaluation['summary']>(path.join(dir, EVALUATION_FILES[kind]));
    state.evaluations = { ...state.evaluations, [kind]: { kind, summary, base: pathToFileURL(dir).href } };
  }
  if (options.state === 'progress') state.progress = { stage: 'features', done: 23_456, total: 60_000, unit: 'images', rate: 1538.7, etaSeconds: 23.7, message: 'batch 367 of 938' };
  if (options.state === 'error') state.error = { name: 'VebiError', code: 'MODEL_UNSUPPORTED', message: 'Keras .h5 models are not supported yet: convert it with tensorflowjs_converter, or wait for the Keras loader.', path: '/work/models/<script>alert(1)</script>.h5' };
  return state;
}

/** Which evaluation a folder holds, from its summary file's name. */
async function evaluationKind(dir: string): Promise<EvaluationKind> {
  const names = await fs.readdir(dir);
  const kind = EVALUATION_KINDS.find((k) => names.includes(EVALUATION_FILES[k]));
  if (!kind) throw new Error(`${dir} holds none of ${Object.values(EVALUATION_FILES).join(', ')}.`);
  return kind;
}

/**
 * The stub host: logs what the panel posts and answers 'ready' with 'init'. Runs before the bundle.
 * setState goes to sessionStorage, so reloading the page behaves like hiding and showing the panel.
 */
const HOST_STUB = `(function () {
  var stored = sessionStorage.getItem('vebi-ui-state');
  var saved = stored ? JSON.parse(stored) : window.__VEBI_PREVIEW_UI__;
  var acquired = false;
  document.addEventListener('securitypolicyviolation', function (e) { console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')); });
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: function (message) {
        console.log('[panel -> host] ' + JSON.stringify(message));
        if (message && message.type === 'ready') {
          setTimeout(function () { window.dispatchEvent(new MessageEvent('message', { data: { type: 'init', state: window.__VEBI_PREVIEW_STATE__ } })); }, 0);
        }
      },
      getState: function () { return saved; },
      setState: function (state) { saved = state; sessionStorage.setItem('vebi-ui-state', JSON.stringify(state)); },
    };
  };
})();
`;

function page(theme: Theme, stateScript: string): string {
  const csp = "default-src 'none'; img-src file:; style-src file:; script-src file:; font-src file:";
  return `<!doctype html>
<html lang="en" data-preview-theme="${theme}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="themes.css">
<link rel="stylesheet" href="panel.css">
<title>VEBI panel preview</title>
</head>
<body class="${THEMES[theme]}" data-vscode-theme-kind="${THEMES[theme]}">
<div id="vebi-app"></div>
<script src="${stateScript}"></script>
<script src="preview-host.js"></script>
<script src="webview.js"></script>
</body>
</html>
`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await fs.mkdir(options.out, { recursive: true });
  await build({ entryPoints: [path.join(ROOT, 'webview-ui/src/main.ts')], outfile: path.join(options.out, 'webview.js'), bundle: true, platform: 'browser', format: 'iife', target: 'chrome114', logLevel: 'warning' });
  await fs.copyFile(path.join(ROOT, 'media/panel.css'), path.join(options.out, 'panel.css'));
  await fs.copyFile(path.join(ROOT, 'webview-ui/preview/themes.css'), path.join(options.out, 'themes.css'));
  await fs.writeFile(path.join(options.out, 'preview-host.js'), HOST_STUB);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    for (const view of options.views) {
      const stateScript = `preview-state-${view}.js`;
      const ui = { view, opacity: 0.6, selectedClass: options.selectedClass, scroll: { overview: 0, classes: 0, explain: 0, evaluation: 0 } };
      const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
      await fs.writeFile(path.join(options.out, stateScript), `window.__VEBI_PREVIEW_STATE__ = ${json(await panelState(options, view))};\nwindow.__VEBI_PREVIEW_UI__ = ${json(ui)};\n`);
      for (const theme of options.themes) {
        const html = path.join(options.out, `${view}-${theme}.html`);
        await fs.writeFile(html, page(theme, stateScript));
        const tab = await browser.newPage({ viewport: { width: options.width, height: 900 } });
        tab.on('console', (message) => process.stdout.write(`  [${message.type()}] ${message.text()}\n`));
        tab.on('pageerror', (error) => process.stdout.write(`  [pageerror] ${error.message}\n`));
        await tab.goto(pathToFileURL(html).href, { waitUntil: 'load' });
        await tab.waitForSelector('#vebi-app > .app-main > *:not(p)', { timeout: 10_000 });
        if (options.expand) await tab.evaluate("document.querySelectorAll('vscode-collapsible').forEach(function (c) { c.open = true; })");
        // Bounded: an image that never loads must not hang the preview.
        await tab.evaluate('Promise.race([Promise.all(Array.from(document.images).map(function (img) { return img.decode().catch(function () {}); })), new Promise(function (r) { setTimeout(r, 5000); })])');
        await tab.waitForTimeout(300);
        const suffix = options.state ? `-${options.state}` : '';
        const png = path.join(options.out, `${view}-${theme}${suffix}.png`);
        await tab.screenshot({ path: png, fullPage: true });
        process.stdout.write(`${png}\n`);
        await tab.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
