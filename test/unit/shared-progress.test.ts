/**
 * The stage titles the CLI and the extension's progress notification show while a run works: one
 * per stage, pinned so that a changed or blank title shows here.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { STAGE_TITLES } from '../../src/shared/progress';

test('every stage has its title', () => {
  assert.deepEqual(STAGE_TITLES, {
    load: 'Loading model and data',
    features: 'Extracting internal features',
    solve: 'Finding relevant features',
    interpret: 'Visualising relevant features',
    explain: 'Explaining',
    evaluate: 'Evaluating explanations',
    generate: 'Generating images',
    write: 'Writing report',
  });
});
