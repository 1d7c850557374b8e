/**
 * The panel's load watchdog: a page that never says 'ready' once shown is pinged, then rebuilt (a
 * bounded number of times); a page that loads, answers, or is hidden is left alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LoadWatchdog } from '../../src/extension/panel/load-watchdog';

function watched(options: { visible?: boolean; maxRebuilds?: number } = {}) {
  const calls: string[] = [];
  let visible = options.visible ?? true;
  const watchdog = new LoadWatchdog({
    loadTimeoutMs: 1000,
    answerTimeoutMs: 300,
    maxRebuilds: options.maxRebuilds ?? 2,
    isVisible: () => visible,
    ping: () => calls.push('ping'),
    rebuild: () => calls.push('rebuild'),
  });
  return { watchdog, calls, setVisible: (value: boolean) => (visible = value) };
}

describe('LoadWatchdog', () => {
  test('a shown page that never loads is pinged after the load timeout, then rebuilt when it does not answer', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { watchdog, calls } = watched();
    watchdog.shown();
    t.mock.timers.tick(999);
    assert.deepEqual(calls, []);
    t.mock.timers.tick(1);
    assert.deepEqual(calls, ['ping']);
    t.mock.timers.tick(299);
    assert.deepEqual(calls, ['ping']);
    t.mock.timers.tick(1);
    assert.deepEqual(calls, ['ping', 'rebuild']);
    t.mock.timers.tick(10_000);
    assert.deepEqual(calls, ['ping', 'rebuild'], 'nothing more until the rebuilt page is shown');
  });

  test('a page that loads in time is never pinged', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { watchdog, calls } = watched();
    watchdog.shown();
    t.mock.timers.tick(500);
    watchdog.loaded();
    t.mock.timers.tick(5_000);
    assert.deepEqual(calls, []);
  });

  test('a page that answers the ping (kept alive while hidden) is not rebuilt', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { watchdog, calls } = watched();
    watchdog.shown();
    t.mock.timers.tick(1000);
    watchdog.loaded();
    t.mock.timers.tick(5_000);
    assert.deepEqual(calls, ['ping']);
  });

  test('hiding the panel, or its being out of view when a timer fires, stops the watch', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const hidden = watched();
    hidden.watchdog.shown();
    t.mock.timers.tick(900);
    hidden.watchdog.hidden();
    t.mock.timers.tick(5_000);
    assert.deepEqual(hidden.calls, []);

    const outOfView = watched();
    outOfView.watchdog.shown();
    outOfView.setVisible(false);
    t.mock.timers.tick(5_000);
    assert.deepEqual(outOfView.calls, []);

    const goneBeforeAnswer = watched();
    goneBeforeAnswer.watchdog.shown();
    t.mock.timers.tick(1000);
    goneBeforeAnswer.setVisible(false);
    t.mock.timers.tick(5_000);
    assert.deepEqual(goneBeforeAnswer.calls, ['ping']);
  });

  test('rebuilds in a row are bounded; a page that loads resets the count', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { watchdog, calls } = watched({ maxRebuilds: 2 });
    const stuckEpisode = () => {
      watchdog.shown();
      t.mock.timers.tick(1000);
      t.mock.timers.tick(300);
    };
    stuckEpisode();
    stuckEpisode();
    stuckEpisode();
    assert.deepEqual(calls, ['ping', 'rebuild', 'ping', 'rebuild', 'ping'], 'the third stuck page is left as it is');
    watchdog.loaded();
    stuckEpisode();
    assert.deepEqual(calls.slice(5), ['ping', 'rebuild']);
  });

  test('showing again restarts the wait; stop() cancels it', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { watchdog, calls } = watched();
    watchdog.shown();
    t.mock.timers.tick(800);
    watchdog.shown();
    t.mock.timers.tick(800);
    assert.deepEqual(calls, [], 'the second showing waits its own full time');
    t.mock.timers.tick(200);
    assert.deepEqual(calls, ['ping']);
    watchdog.stop();
    t.mock.timers.tick(5_000);
    assert.deepEqual(calls, ['ping']);
  });
});

