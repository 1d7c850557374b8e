/** The panel's pure logic (no DOM): folding host messages, restoring UI state, resource URLs. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyHostMessage, emptyAppState, isHostMessage } from '../../webview-ui/src/state';
import { DEFAULT_UI_STATE, parseUiState } from '../../webview-ui/src/ui-state';
import { resourceUrl } from '../../webview-ui/src/resource-url';
import type { ShownEvaluation } from '../../src/shared/panel-protocol';

test('host messages: only host-shaped messages are accepted; each says what to redraw', () => {
  assert.ok(isHostMessage({ type: 'progress', event: undefined }));
  assert.ok(!isHostMessage({ type: 'alert' }));
  assert.ok(!isHostMessage('init'));
  const state = emptyAppState();
  assert.equal(applyHostMessage(state, { type: 'init', state: { modelPath: '/m/model.json', view: 'classes' } }), 'all');
  assert.equal(state.panel.view, 'classes');
  assert.equal(applyHostMessage(state, { type: 'progress', event: { stage: 'features', done: 1, total: 4, unit: 'images' } }), 'progress');
  assert.equal(state.panel.progress?.done, 1);
  assert.equal(applyHostMessage(state, { type: 'layerLocation', layer: 'conv1', found: false, message: 'not found' }), 'location');
  assert.deepEqual(state.locations.get('conv1'), { found: false, message: 'not found' });
  // Evaluations accumulate by kind; a newer one of the same kind replaces the older.
  const comparison = { kind: 'comparison', base: 'vscode-resource://c', summary: { kind: 'comparison', createdAt: 'then' } } as unknown as ShownEvaluation;
  const ablation = { kind: 'ablation', base: 'vscode-resource://a', summary: { kind: 'ablation' } } as unknown as ShownEvaluation;
  assert.equal(applyHostMessage(state, { type: 'evaluation', evaluation: comparison }), 'evaluation');
  assert.equal(applyHostMessage(state, { type: 'evaluation', evaluation: ablation }), 'evaluation');
  const newer = { ...comparison, base: 'vscode-resource://c2' } as ShownEvaluation;
  applyHostMessage(state, { type: 'evaluation', evaluation: newer });
  assert.deepEqual(Object.keys(state.panel.evaluations ?? {}).sort(), ['ablation', 'comparison']);
  assert.equal(state.panel.evaluations?.comparison?.base, 'vscode-resource://c2');
  assert.ok(isHostMessage({ type: 'evaluation', evaluation: comparison }));
});

test('saved UI state is validated: garbage falls back to defaults', () => {
  assert.deepEqual(parseUiState(undefined), DEFAULT_UI_STATE);
  assert.deepEqual(parseUiState({ view: 'settings', opacity: 7, selectedClass: -3 }).view, 'overview');
  assert.equal(parseUiState({ ...DEFAULT_UI_STATE, view: 'evaluation' }).view, 'evaluation');
  const restored = parseUiState({ ...DEFAULT_UI_STATE, view: 'explain', opacity: 0.25 });
  assert.equal(restored.view, 'explain');
  assert.equal(restored.opacity, 0.25);
  assert.ok(parseUiState({ opacity: 7 }).opacity <= 1);
});

test('resource URLs percent-encode each path segment', () => {
  assert.equal(resourceUrl('https://host/report/', 'features/conv1-c3-average.png'), 'https://host/report/features/conv1-c3-average.png');
  assert.equal(resourceUrl('https://host/r', 'a b/#1?.png'), 'https://host/r/a%20b/%231%3F.png');
});

test('backendLabel: wasm with its thread count, other backends by name', async () => {
  const { backendLabel } = await import('../../src/shared/report');
  assert.equal(backendLabel({ backend: 'wasm', backendThreads: 2 }), 'wasm, 2 threads');
  assert.equal(backendLabel({ backend: 'wasm', backendThreads: 1 }), 'wasm, 1 thread');
  assert.equal(backendLabel({ backend: 'tensorflow' }), 'tensorflow');
});
