/**
 * Errors crossing a process, worker or webview boundary: a VebiError becomes a plain object (with
 * its path only when it has one), an abort becomes CANCELLED, anything else INTERNAL; only objects
 * named "VebiError" count as VEBI's errors.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cancelledError, fromPlainError, isVebiError, toPlainError, VebiError } from '../../src/shared/errors';

test('toPlain keeps the path when there is one, and has no path key otherwise', () => {
  assert.deepEqual(new VebiError('MODEL_NOT_FOUND', 'No model here.', '/models/m.json').toPlain(), {
    name: 'VebiError',
    code: 'MODEL_NOT_FOUND',
    message: 'No model here.',
    path: '/models/m.json',
  });
  const plain = new VebiError('BAD_ARGUMENT', 'Bad.').toPlain();
  assert.deepEqual(plain, { name: 'VebiError', code: 'BAD_ARGUMENT', message: 'Bad.' });
  assert.equal('path' in plain, false);
  assert.equal('path' in new VebiError('BAD_ARGUMENT', 'Bad.', '').toPlain(), false);
});

test('isVebiError: by name, across realms; other objects and non-objects are not', () => {
  assert.equal(isVebiError(new VebiError('INTERNAL', 'x')), true);
  assert.equal(isVebiError({ name: 'VebiError', code: 'INTERNAL', message: 'x' }), true);
  for (const value of [new Error('x'), {}, { name: 'Error' }, { code: 'INTERNAL', message: 'x' }, null, undefined, 'VebiError', 0]) {
    assert.equal(isVebiError(value), false, String(value));
  }
});

test('toPlainError: a VebiError or a plain one keeps code, message and path', () => {
  assert.deepEqual(toPlainError(new VebiError('DISK_FULL', 'Full.', '/out')), { name: 'VebiError', code: 'DISK_FULL', message: 'Full.', path: '/out' });
  assert.deepEqual(toPlainError({ name: 'VebiError', code: 'CANCELLED', message: 'Stopped.', path: '/p' }), { name: 'VebiError', code: 'CANCELLED', message: 'Stopped.', path: '/p' });
});

test('toPlainError: an AbortError is a cancelled run', () => {
  const abort = new Error('This operation was aborted');
  abort.name = 'AbortError';
  assert.deepEqual(toPlainError(abort), { name: 'VebiError', code: 'CANCELLED', message: 'The run was cancelled.' });
  assert.deepEqual(toPlainError(new DOMException('This operation was aborted', 'AbortError')), { name: 'VebiError', code: 'CANCELLED', message: 'The run was cancelled.' });
  // A plain object that only claims to be an abort is not an Error: it is internal.
  assert.deepEqual(toPlainError({ name: 'AbortError', message: 'm' }), { name: 'VebiError', code: 'INTERNAL', message: 'Internal error: [object Object]' });
});

test('toPlainError: any other error or thrown value is INTERNAL, with its message', () => {
  assert.deepEqual(toPlainError(new TypeError('x is not a function')), { name: 'VebiError', code: 'INTERNAL', message: 'Internal error: x is not a function' });
  assert.deepEqual(toPlainError('just a string'), { name: 'VebiError', code: 'INTERNAL', message: 'Internal error: just a string' });
  assert.deepEqual(toPlainError(undefined), { name: 'VebiError', code: 'INTERNAL', message: 'Internal error: undefined' });
});

test('fromPlainError gives back a VebiError; cancelledError says nothing was written', () => {
  const error = fromPlainError({ name: 'VebiError', code: 'REPORT_INVALID', message: 'Bad report.', path: '/r' });
  assert.ok(error instanceof VebiError);
  assert.deepEqual([error.code, error.message, error.path], ['REPORT_INVALID', 'Bad report.', '/r']);
  const cancelled = cancelledError();
  assert.ok(cancelled instanceof VebiError);
  assert.equal(cancelled.code, 'CANCELLED');
  assert.equal(cancelled.message, 'The run was cancelled; nothing was written.');
});
