/** Extension-side logic that needs no VS Code: message checks, CSP, discovery, model sniffing, paths, progress text. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePanelMessage } from '../../src/shared/panel-protocol';
import { isEngineEvent, isEngineRequest } from '../../src/shared/engine-protocol';
import { buildPanelHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/panel/panel-html';
import { findDatasetFolders } from '../../src/extension/dataset-discovery';
import { isKerasFileName, isTfjsModelJson, kerasFileProblem, looksLikeKerasModel, modelJsonProblem } from '../../src/extension/model-files';
import { findLayerInText } from '../../src/extension/layer-locator';
import { storagePaths } from '../../src/extension/storage-paths';
import { describeProgress, overallPercent } from '../../src/extension/progress-text';
import { makeImageFolder } from '../helpers/make-image-folder';

test('panel messages: known shapes pass, anything else is dropped', () => {
  assert.deepEqual(parsePanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parsePanelMessage({ type: 'revealLayer', layer: 'conv1' }), { type: 'revealLayer', layer: 'conv1' });
  assert.deepEqual(parsePanelMessage({ type: 'viewChanged', view: 'classes' }), { type: 'viewChanged', view: 'classes' });
  assert.deepEqual(parsePanelMessage({ type: 'viewChanged', view: 'evaluation' }), { type: 'viewChanged', view: 'evaluation' });
  assert.deepEqual(parsePanelMessage({ type: 'evaluate', kind: 'localization', extra: 1 }), { type: 'evaluate', kind: 'localization' });
  for (const bad of [null, 'ready', 42, {}, { type: 'rm -rf' }, { type: 'revealLayer' }, { type: 'revealLayer', layer: 7 }, { type: 'viewChanged', view: 'settings' }, { type: 'explainUri', uri: 'x'.repeat(5000) }, { type: 'evaluate' }, { type: 'evaluate', kind: 'everything' }]) {
    assert.equal(parsePanelMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
  }
  assert.ok(isEngineRequest({ type: 'cancel', id: 3 }));
  assert.ok(isEngineRequest({ type: 'evaluate', id: 4, job: {} }));
  assert.ok(!isEngineRequest({ type: 'cancel' }));
  assert.ok(isEngineEvent({ type: 'progress', id: 1, event: {} }));
  assert.ok(!isEngineEvent({ type: 'other' }));
});

test('panel HTML: strict CSP with a fresh nonce on the only script, no inline script', () => {
  const nonceA = makeNonce();
  const nonceB = makeNonce();
  assert.notEqual(nonceA, nonceB);
  assert.match(nonceA, /^[A-Za-z0-9]{16,}$/);
  const html = buildPanelHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/media/panel.css', nonce: nonceA, title: 'VEBI: <model>' });
  const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', nonceA);
  assert.ok(csp.startsWith("default-src 'none'"));
  assert.match(csp, new RegExp(`script-src 'nonce-${nonceA}'$`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], new RegExp(`nonce="${nonceA}"`));
  assert.equal(scripts[0][2].trim(), '', 'no inline script body');
  assert.match(html, /<title>VEBI: &lt;model&gt;<\/title>/);
});

test('dataset discovery finds labelled folders, outermost first, and ignores node_modules', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-discover-'));
  await makeImageFolder(path.join(root, 'data', 'train'), { classes: 3, perClass: 4, size: 8, channels: 1 });
  await makeImageFolder(path.join(root, 'data', 'small'), { classes: 2, perClass: 1, size: 8, channels: 1 });
  await makeImageFolder(path.join(root, 'node_modules', 'pkg'), { classes: 4, perClass: 4, size: 8, channels: 1 });
  await fs.mkdir(path.join(root, 'src', 'a'), { recursive: true });
  await fs.mkdir(path.join(root, 'src', 'b'), { recursive: true });
  const found = await findDatasetFolders(root);
  assert.deepEqual(found.map((c) => path.relative(root, c.path)), [path.join('data', 'train'), path.join('data', 'small')]);
  assert.equal(found[0].classes, 3);
  assert.equal(found[0].sampledImages, 12);
});

test('model sniffing: a TF.js model.json is a model, other JSON is not', () => {
  assert.ok(isTfjsModelJson(JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [] })));
  assert.ok(isTfjsModelJson(JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['a.bin'], weights: [] }] })));
  assert.ok(!isTfjsModelJson(JSON.stringify({ name: 'settings', editor: { tabSize: 2 } })));
  assert.ok(!isTfjsModelJson('{"modelTopology": '));
  assert.ok(!isTfjsModelJson('[1, 2]'));
  assert.equal(modelJsonProblem(JSON.stringify({ modelTopology: {}, weightsManifest: [] })), undefined);
  assert.match(modelJsonProblem('{"modelTopology": ') ?? '', /is not valid JSON .*re-export the model/);
  assert.match(modelJsonProblem('{"editor": 1, "files": 2}') ?? '', /not a TensorFlow\.js model.*its keys: editor, files/);
});

test('model sniffing: Keras files are models by their first bytes (zip / HDF5 with model_config)', () => {
  const hdf5 = (rest: string): Uint8Array => Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from(rest)]);
  const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  assert.ok(isKerasFileName('/w/best_model.KERAS') && isKerasFileName('m.h5') && isKerasFileName('m.hdf5') && !isKerasFileName('model.json'));
  assert.ok(looksLikeKerasModel('m.keras', zip));
  assert.ok(looksLikeKerasModel('m.h5', hdf5('...keras_version...model_config{"class_name"')));
  assert.ok(!looksLikeKerasModel('weights.h5', hdf5('layers vars')), 'weights-only HDF5 is not offered as a model');
  assert.ok(!looksLikeKerasModel('m.keras', hdf5('')));
  assert.equal(kerasFileProblem('weights.h5', hdf5('')), undefined, 'the engine explains what an HDF5 file lacks');
  assert.match(kerasFileProblem('m.keras', Buffer.from('hello')) ?? '', /not a zip file.*model\.save/);
  assert.match(kerasFileProblem('m.h5', zip) ?? '', /not an HDF5 file/);
});

test('layer locator: keyword argument, config entry, then attribute assignment', () => {
  const code = ['import keras', 'x = layers.Conv2D(16, 3, name="conv_a")(inputs)', "self.fc1 = nn.Linear(64, 10)", 'cfg = {"name": "pool_a"}'].join('\n');
  assert.deepEqual(findLayerInText(code, 'conv_a'), { line: 1, character: 31 });
  assert.deepEqual(findLayerInText(code, 'pool_a'), { line: 3, character: 16 });
  assert.deepEqual(findLayerInText(code, 'fc1'), { line: 2, character: 5 });
  assert.equal(findLayerInText(code, 'conv'), undefined);
  assert.equal(findLayerInText(code, 'a.b'), undefined, 'regex characters in names are literal');
});

test('storage paths: one folder per model, one per explained image, stable', () => {
  const paths = storagePaths('/storage');
  assert.equal(paths.cacheDir, path.join('/storage', 'cache'));
  assert.equal(paths.interpretationDir('/w/model/model.json'), paths.interpretationDir('/w/model/../model/model.json'));
  assert.notEqual(paths.interpretationDir('/w/a/model.json'), paths.interpretationDir('/w/b/model.json'));
  assert.ok(paths.explanationDir('/w/a/model.json', '/img/1.png').startsWith(path.dirname(paths.interpretationDir('/w/a/model.json'))));
  assert.equal(path.dirname(paths.evaluationDir('/w/a/model.json', 'sanity')), path.dirname(paths.evaluationDir('/w/a/model.json', 'ablation')));
  assert.notEqual(paths.evaluationDir('/w/a/model.json', 'sanity'), paths.evaluationDir('/w/b/model.json', 'sanity'));
});

test('progress text and overall percentage', () => {
  assert.equal(describeProgress({ stage: 'features', done: 120, total: 2000, unit: 'images', rate: 40, etaSeconds: 47.2 }), 'Extracting internal features: 120/2000 images, 48 s left');
  assert.equal(describeProgress({ stage: 'solve', done: 3, total: 10, unit: 'classes' }), 'Finding relevant features: class 3 of 10');
  assert.equal(overallPercent({ stage: 'load', done: 0, total: 2, unit: 'steps' }), 0);
  assert.equal(overallPercent({ stage: 'write', done: 1, total: 1, unit: 'files' }), 100);
  assert.ok(overallPercent({ stage: 'features', done: 1000, total: 2000, unit: 'images' }) > overallPercent({ stage: 'load', done: 2, total: 2, unit: 'steps' }));
});
