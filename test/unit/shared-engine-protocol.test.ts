/**
 * The engine process and the extension host trust nothing they receive: the extension acts only on
 * messages that are engine events (isEngineEvent), the engine worker only on requests it knows that
 * carry a numeric id (isEngineRequest). Anything else (null, undefined, a string, an unknown type)
 * is ignored, never thrown on.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isEngineEvent, isEngineRequest } from '../../src/shared/engine-protocol';

const NOT_OBJECTS: unknown[] = [null, undefined, 'ready', 'interpret', 7, true];

test('isEngineEvent: each of the five event types is an event', () => {
  assert.equal(isEngineEvent({ type: 'ready', pid: 1 }), true);
  assert.equal(isEngineEvent({ type: 'progress', id: 1, event: { stage: 'load', done: 0, total: 1, unit: 'steps' } }), true);
  assert.equal(isEngineEvent({ type: 'warning', id: 1, message: 'cache entry dropped' }), true);
  assert.equal(isEngineEvent({ type: 'done', id: 1, result: { kind: 'export', outDir: '/out' }, peakRssMB: 10 }), true);
  assert.equal(isEngineEvent({ type: 'failed', id: 1, error: { name: 'VebiError', code: 'INTERNAL', message: 'x' } }), true);
});

test('isEngineEvent: a value that is not an object, or has another type, is not an event (and does not throw)', () => {
  for (const value of NOT_OBJECTS) assert.equal(isEngineEvent(value), false, `${String(value)}`);
  for (const type of ['', 'Ready', 'interpret', 'cancel', 'log', undefined]) assert.equal(isEngineEvent({ type, id: 1 }), false, `type ${String(type)}`);
  assert.equal(isEngineEvent({}), false);
});

test('isEngineRequest: each of the seven request types with a numeric id is a request', () => {
  for (const type of ['inspect', 'flowers', 'interpret', 'explain', 'evaluate', 'export', 'cancel']) {
    assert.equal(isEngineRequest({ type, id: 3, job: {} }), true, type);
    assert.equal(isEngineRequest({ type, id: 0 }), true, `${type} with id 0`);
  }
});

test('isEngineRequest: an unknown type, a missing or non-numeric id, or a non-object is refused (and does not throw)', () => {
  for (const value of NOT_OBJECTS) assert.equal(isEngineRequest(value), false, `${String(value)}`);
  for (const type of ['', 'Interpret', 'ready', 'done', 'shutdown', undefined]) assert.equal(isEngineRequest({ type, id: 1 }), false, `type ${String(type)}`);
  for (const type of ['inspect', 'flowers', 'interpret', 'explain', 'evaluate', 'export', 'cancel']) {
    assert.equal(isEngineRequest({ type }), false, `${type} without an id`);
    assert.equal(isEngineRequest({ type, id: '1' }), false, `${type} with a string id`);
    assert.equal(isEngineRequest({ type, id: null }), false, `${type} with a null id`);
  }
});
