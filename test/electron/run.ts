/**
 * `npm run test:electron`: the @vscode/test-electron runner, for machines that can download VS Code.
 * (It downloads VS Code from outside the npm registry, which this project's CI machines cannot; CI
 * runs the same extension in code-server instead: test/e2e.) Builds the extension, generates the
 * fixture workspace, bundles the in-VS-Code suite and runs it in a downloaded VS Code.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const workspace = path.join(os.tmpdir(), 'vebi-electron-workspace');
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/make-e2e-workspace.ts'), workspace], { cwd: root, stdio: 'inherit' });
  const suite = path.join(root, 'out/electron/suite.js');
  await build({ entryPoints: [path.join(__dirname, 'suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'] });
  await runTests({ extensionDevelopmentPath: root, extensionTestsPath: suite, launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'] });
}

main().catch((error: unknown) => {
  process.stderr.write(`test:electron failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
