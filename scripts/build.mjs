// Bundles the CLI, the engine process, the VS Code extension and the panel with esbuild.
// sharp and tfjs-node stay external (native parts resolved at run time); vscode is provided by VS Code.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.resolve('dist');
const production = process.argv.includes('--production');
// A production build starts clean: no stale source maps or bundles in the .vsix.
if (production) rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });


const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'vscode'],
  // h5wasm (Keras .h5) calls createRequire(import.meta.url), which a CommonJS bundle lacks.
  define: { 'import.meta.url': '__vebi_import_meta_url' },
  banner: { js: "const __vebi_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

await Promise.all([
  build({ ...node, entryPoints: { cli: 'src/cli/index.ts', 'engine-worker': 'src/worker/engine-worker.ts' }, outdir: dist }),
  // The extension host side never bundles tfjs: a lint rule and this separate entry keep it so.
  build({ ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist }),
  build({ bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production, entryPoints: { webview: 'webview-ui/src/main.ts' }, outdir: dist, logLevel: 'warning' }),
]);
chmodSync(path.join(dist, 'cli.js'), 0o755);

// The wasm backend loads its binaries from next to the bundle (see select-backend.ts).
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDir, file), path.join(dist, file));
// The threaded module's worker script and factory, which its pthread workers load (see wasm-threads.ts).
const wasmOut = path.join(wasmDir, '..', 'wasm-out');
for (const file of ['tfjs-backend-wasm-threaded-simd.worker.js', 'tfjs-backend-wasm-threaded-simd.js']) copyFileSync(path.join(wasmOut, file), path.join(dist, file));
console.log(`built ${dist}${production ? ' (production)' : ''}`);
