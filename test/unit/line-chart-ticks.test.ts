/** The evaluation charts' y axis: round ticks from just below the data to the top. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks } from '../../webview-ui/src/components/chart-ticks';

test('ticks are round steps, at most six, starting at or below the minimum', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-0.22, 1), [-0.25, 0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0.5, 1), [0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  for (const [min, max] of [[0, 1], [-0.22, 1], [-0.7, 1], [0.31, 0.97], [-3, 7]]) {
    const ticks = niceTicks(min, max);
    assert.ok(ticks.length >= 2 && ticks.length <= 6, `${min}..${max}: ${ticks.join(', ')}`);
    assert.ok(ticks[0] <= min && ticks[ticks.length - 1] >= max - 1e-9, `${min}..${max}: ${ticks.join(', ')}`);
  }
});
