/** The data-folder pick's order (fit to the model first) and the panel's name for a model. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankDataFolders } from '../../src/extension/rank-data-folders';
import { panelLabel } from '../../src/extension/panel/panel-label';
import type { DatasetCandidate } from '../../src/extension/dataset-discovery';

const candidate = (path: string, classes: number, sampledImages: number): DatasetCandidate => ({ path, classes, sampledImages });

test('folders with the model\'s class count come first, then the nearest to the model, then the largest', () => {
  const candidates = [
    candidate('/w/big-other', 3, 900),
    candidate('/w/data', 10, 100),
    candidate('/w/models/digits/val', 10, 40),
    candidate('/w/more', 10, 300),
    candidate('/w/models/digits/tiny', 2, 10),
  ];
  const ranked = rankDataFolders(candidates, { modelDir: '/w/models/digits', numClasses: 10 });
  assert.deepEqual(ranked.map((r) => r.path), ['/w/models/digits/val', '/w/more', '/w/data', '/w/models/digits/tiny', '/w/big-other']);
  assert.equal(ranked[0].reason, '10 class folders, as the model has · next to the model');
  assert.equal(ranked[3].reason, '2 class folders; the model has 10 classes · next to the model');
  assert.deepEqual(ranked.map((r) => r.classesMatch), [true, true, true, false, false]);
  assert.deepEqual(ranked.map((r) => r.distance), [0, 2, 2, 0, 2]);
});

test('without the class count: nearest first, then the largest, then by name', () => {
  const ranked = rankDataFolders([candidate('/w/b', 4, 50), candidate('/w/a', 4, 50), candidate('/w/m/x', 1, 1), candidate('/w/c', 4, 80)], { modelDir: '/w/m' });
  assert.deepEqual(ranked.map((r) => r.path), ['/w/m/x', '/w/c', '/w/a', '/w/b']);
  assert.equal(ranked[1].reason, '4 class folders');
  assert.equal(ranked[0].reason, '1 class folder · next to the model');
  assert.equal(ranked[0].classesMatch, undefined);
});

test("a panel is named after its model.json's folder, or the model file itself", () => {
  assert.equal(panelLabel('model/model.json'), 'model');
  assert.equal(panelLabel('apps/keras-app/model.json'), 'keras-app');
  assert.equal(panelLabel('model.json'), 'model.json');
  assert.equal(panelLabel('digits.keras'), 'digits.keras');
  assert.equal(panelLabel('nets/fashion.h5'), 'fashion.h5');
  assert.equal(panelLabel('C:\\work\\m\\model.json'), 'm');
});
