// Bundles the CLI (and later the extension, engine worker and webview) with esbuild.
// sharp and tfjs-node stay external: they carry native parts resolved at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.resolve('dist');
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { cli: 'src/cli/index.ts' },
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  logLevel: 'warning',
});
chmodSync(path.join(dist, 'cli.js'), 0o755);

// The wasm backend loads its binaries from next to the bundle (see select-backend.ts).
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDir, file), path.join(dist, file));
console.log(`built ${dist}`);
