/**
 * The mutation-testing areas: which source files are mutated, which test files may kill the
 * mutants, and the score each area must reach (issue 13). One area runs in minutes because it
 * runs only the tests that concern it (and, per mutant, only the files that cover it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface MutationArea {
  name: string;
  summary: string;
  mutate: string[];
  tests: string[];
  target: number;
}

const unit = (...names: string[]): string[] => names.map((name) => `test/unit/${name}.test.ts`);

/** src/extension files that never import vscode: the parts plain Node tests can reach. */
export function pureExtensionFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts') && !/from 'vscode'|require\('vscode'\)/.test(readFileSync(path.join(root, rel), 'utf8'))) files.push(rel);
    }
  };
  walk('src/extension');
  return files.sort();
}

export function mutationAreas(root: string): MutationArea[] {
  return [
    { name: 'solver', summary: 'L1-constrained least squares: LARS path, active set, Gram kernels', mutate: ['src/engine/solver/**/*.ts'], tests: unit('solver-brute-force', 'solver-realistic', 'solver-edge-cases', 'gram', 'lars-path'), target: 90 },
    { name: 'features', summary: 'feature vectors, top-k tracking, extraction', mutate: ['src/engine/features/**/*.ts'], tests: unit('features', 'extract-topk', 'image-safety'), target: 90 },
    {
      name: 'explain',
      summary: 'explanations and the gradient methods (guided backprop, Grad-CAM, Grad-CAM++, IG)',
      mutate: ['src/engine/explain/**/*.ts'],
      tests: unit('explanation-scores', 'explain-methods', 'guided-backprop', 'image-safety', 'pipeline', 'unlike-data'),
      target: 90,
    },
    {
      name: 'cache-fs',
      summary: 'result cache, content hashes, safe reads, confined paths, atomic outputs',
      mutate: ['src/engine/cache/**/*.ts', 'src/engine/fs/**/*.ts'],
      tests: unit('content-hash', 'leftovers', 'output-folder', 'model-safety', 'model-loading', 'schemas', 'fs-environment-error', 'fs-safe-read', 'fs-folder-tree', 'fs-output-ownership', 'fs-confine', 'fs-output-manifest', 'fs-leftovers', 'fs-output-target', 'fs-atomic-folder', 'fs-copy-tree', 'cache-content-hash', 'cache-result-cache', 'cache-verify-entry'),
      target: 90,
    },
    {
      name: 'shared',
      summary: 'the vocabulary shared by engine, CLI, extension and webview: schemas, params, protocols',
      mutate: ['src/shared/**/*.ts'],
      tests: unit(
        'params-defaults',
        'panel-protocol',
        'schemas',
        'webview-state',
        'engine-client',
        'extension-logic',
        'dataset',
        'extension-files',
        'shared-engine-protocol',
        'shared-safe-path',
        'shared-image-extensions',
        'shared-progress',
        'shared-errors',
        'shared-explanation-methods',
        'shared-preprocessing',
        'shared-parse-json-text',
        'shared-vebi-json',
        'shared-schemas-strict',
      ),
      target: 90,
    },
    {
      name: 'data',
      summary: 'dataset scanning, image decoding, the an8Flower-style generator',
      mutate: ['src/engine/data/**/*.ts', 'src/engine/image/**/*.ts', 'src/engine/datasets/**/*.ts'],
      tests: unit('dataset', 'scan-dataset-links', 'image', 'image-safety', 'flowers-dataset'),
      target: 80,
    },
    {
      name: 'model',
      summary: 'model loaders (TF.js layers and graph, Keras .h5/.keras), layer graph, receptive fields',
      mutate: ['src/engine/model/**/*.ts'],
      tests: unit('model-loading', 'model-safety', 'keras-models', 'keras-weight-shapes', 'graph-model-logits', 'graph-model-real', 'receptive-field', 'guided-backprop', 'fast-paths'),
      target: 80,
    },
    {
      name: 'evaluate',
      summary: 'metrics, localization, ablation, sanity checks, method comparison',
      mutate: ['src/engine/evaluate/**/*.ts'],
      tests: unit('eval-metrics', 'iou-thresholds', 'eval-localization', 'eval-ablation', 'eval-sanity', 'eval-compare'),
      target: 80,
    },
    {
      name: 'engine-other',
      summary: 'interpretation pipeline, reports, backends, export',
      mutate: ['src/engine/interpret/**/*.ts', 'src/engine/report/**/*.ts', 'src/engine/backend/**/*.ts', 'src/engine/export/**/*.ts', 'src/engine/progress/**/*.ts', 'src/engine/*.ts'],
      tests: unit('interpretation-warnings', 'input-warnings', 'pipeline', 'graph-model-real', 'wasm-kernels', 'fast-paths', 'schemas', 'eval-sanity'),
      target: 80,
    },
    {
      name: 'panel',
      summary: 'the webview protocol and the panel HTML (CSP)',
      mutate: ['src/shared/panel-protocol.ts', 'src/extension/panel/panel-html*.ts'],
      tests: unit('panel-protocol', 'panel-csp', 'webview-state', 'extension-logic'),
      target: 90,
    },
    {
      name: 'extension',
      summary: 'the pure parts of the extension (files that do not import vscode)',
      mutate: pureExtensionFiles(root),
      tests: unit('extension-logic', 'extension-files', 'engine-client', 'panel-csp', 'path-inside', 'extension-pure', 'engine-client-fake', 'layer-search', 'data-folder-ranking', 'load-watchdog', 'extension-onnx-files', 'pytorch-module-path', 'python-text', 'keras-auto-names-mutants', 'pytorch-module-path-mutants', 'layer-search-mutants', 'extension-small-mutants'),
      target: 80,
    },
  ];
}
