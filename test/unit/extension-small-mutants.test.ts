/** Small pure helpers of the extension (mutation tests): folder distance, panel labels, data-folder reasons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldersApart } from '../../src/extension/folder-distance';
import { panelLabel } from '../../src/extension/panel/panel-label';
import { rankDataFolders } from '../../src/extension/rank-data-folders';

test('foldersApart: the last part of the file path is its name, not a folder', () => {
  // A file named like the model's folder, beside that folder, is one folder up.
  assert.equal(foldersApart('/w/m', '/w/m'), 1);
  assert.equal(foldersApart('/w/m', '/w/m/train.py'), 0);
});

test('panelLabel: a leading slash adds no empty folder name', () => {
  assert.equal(panelLabel('/model.json'), 'model.json');
  assert.equal(panelLabel('/mnist/model.json'), 'mnist');
});

test('rankDataFolders: a model with one class is said to have "1 class"', () => {
  const [ranked] = rankDataFolders([{ path: '/w/data', classes: 2, sampledImages: 10 }], { modelDir: '/w/model', numClasses: 1 });
  assert.equal(ranked.reason, '2 class folders; the model has 1 class');
});
