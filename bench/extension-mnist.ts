/**
 * Figures of the extension in a real VS Code (code-server), on the MNIST example: time from
 * "VEBI: Interpret Model" to the panel's first content, cold and cached; activation time; the
 * engine process's peak memory (from the VEBI output channel). Needs code-server installed
 * (scripts/install-code-server.sh) and a packaged vebi-vscode.vsix (npm run package).
 *   node --import tsx bench/extension-mnist.ts [--per-class 200]
 */
import { promises as fs, readFileSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { exportMnist } from '../scripts/export-mnist';

const ROOT = path.resolve(__dirname, '..');

function findFiles(dir: string, name: RegExp): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? findFiles(full, name) : name.test(entry) ? [full] : [];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'per-class': { type: 'string', default: '200' } } });
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-bench-ws-'));
  await fs.cp(path.join(ROOT, 'examples/mnist-lenet'), path.join(workspace, 'model'), { recursive: true });
  await exportMnist({ split: 'train', out: path.join(workspace, 'data'), perClass: Number(values['per-class']) });
  await fs.mkdir(path.join(workspace, '.vscode'));
  await fs.writeFile(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'vebi.dataFolders': { 'model/model.json': 'data' } }));
  const artifacts = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-bench-artifacts-'));
  process.env.VEBI_E2E_ARTIFACTS = artifacts; // read when the harness loads: import it after
  const { VsCode } = await import('../test/e2e/harness');
  const vscode = await VsCode.start({ workspace, vsix: path.join(ROOT, 'vebi-vscode.vsix') });
  const times: number[] = [];
  try {
    for (const run of ['cold', 'cached']) {
      await vscode.quickOpen('model/model.json');
      const start = Date.now();
      await vscode.runCommand('VEBI: Interpret Model');
      const panel = await vscode.webviewFrame('VEBI: model', undefined, 300_000);
      await panel.locator('vscode-tabs').waitFor({ state: 'visible', timeout: 300_000 });
      await panel.locator('[data-testid="progress"]').waitFor({ state: 'hidden', timeout: 300_000 }).catch(() => undefined);
      times.push(Date.now() - start);
      process.stdout.write(`${run}: ${times[times.length - 1]} ms from the command to the panel's content (includes the palette)\n`);
      await vscode.screenshot(`mnist-${run}`);
    }
  } finally {
    await vscode.stop();
  }
  const logs = findFiles(artifacts, /VEBI|output|\.log$/).map((file) => readFileSync(file, 'utf8')).join('\n');
  for (const line of logs.split('\n').filter((l) => /activated in|to panel content/.test(l))) process.stdout.write(`VEBI output: ${line.trim()}\n`);
  const vsix = statSync(path.join(ROOT, 'vebi-vscode.vsix')).size;
  process.stdout.write(`.vsix size: ${(vsix / 2 ** 20).toFixed(2)} MB\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
