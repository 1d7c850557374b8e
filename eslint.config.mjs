// Layer boundaries are lint errors, not conventions (see ../shared/style.md).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '**/*.js', '**/*.mjs', '.vscode-test/**', 'examples/**', '.scratch*/**', 'webview-ui/dist/**', '.stryker-tmp/**', 'reports/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  // src/shared imports nothing outside src/shared but the package zod (its file schemas); the
  // schemas/ sub-folder may go one level up, into src/shared, and no further.
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/schemas/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./(?!.*\\.\\.)|zod$)', message: 'src/shared imports nothing outside src/shared (except the package zod).' }] }] },
  },
  {
    files: ['src/shared/schemas/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.\\.?/(?!.*\\.\\.)|zod$)', message: 'src/shared imports nothing outside src/shared (except the package zod).' }] }] },
  },
  {
    files: ['src/engine/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }], patterns: [{ group: ['**/extension/**', '**/webview-ui/**'], message: 'The engine and CLI do not depend on the front ends.' }] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^@tensorflow/|^sharp$|/engine/(?!data/preprocess$)|/cli/', message: 'The extension host never loads tfjs, sharp or the engine: it talks to the engine process.' }] }] },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '/src/(?!shared/)|^node:|^vscode$', message: 'The webview imports only src/shared.' }] }] },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-console': 'error', 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }], patterns: [{ group: ['**/cli/**', '**/extension/**', '**/webview-ui/**'], message: 'The engine never depends on a front door.' }] }] },
  },
);
