/**
 * environmentError: which errno codes (or, for sharp/zlib, which message texts) become a user
 * error naming the output path (OUTPUT_UNWRITABLE or DISK_FULL), and which stay internal errors.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { environmentError } from '../../src/engine/fs/environment-error';

const target = '/some/out';
const coded = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

test('each errno code maps to its error code and a message naming the path and the code', () => {
  const cases: [string, string, RegExp][] = [
    ['EACCES', 'OUTPUT_UNWRITABLE', /permission denied \(EACCES\)/],
    ['EPERM', 'OUTPUT_UNWRITABLE', /permission denied \(EPERM\)/],
    ['EROFS', 'OUTPUT_UNWRITABLE', /read-only \(EROFS\)/],
    ['ENOSPC', 'DISK_FULL', /disk is full \(ENOSPC\)/],
    ['EDQUOT', 'DISK_FULL', /disk is full \(EDQUOT\)/],
    ['EFBIG', 'DISK_FULL', /disk is full \(EFBIG\)/],
    ['ENOTDIR', 'OUTPUT_UNWRITABLE', /a file, not a folder \(ENOTDIR\)/],
  ];
  for (const [code, want, message] of cases) {
    const error = environmentError(coded(code), target);
    assert.ok(error, code);
    assert.equal(error.code, want, code);
    assert.equal(error.path, target);
    assert.match(error.message, message);
    assert.ok(error.message.startsWith(`Cannot write ${target}: `), error.message);
  }
  // The exact sentence of the permission case (what the user reads most).
  assert.equal(
    environmentError(coded('EACCES'), target)?.message,
    `Cannot write ${target}: permission denied (EACCES). Choose a folder you can write to, or fix its permissions; nothing was written.`,
  );
});

test('other codes and uncoded errors with no known message are not environment errors', () => {
  assert.equal(environmentError(coded('ENOENT'), target), undefined);
  assert.equal(environmentError(coded('EISDIR'), target), undefined);
  assert.equal(environmentError(new Error('something broke'), target), undefined);
  assert.equal(environmentError('a string', target), undefined);
  assert.equal(environmentError(undefined, target), undefined);
  // A non-Error whose text would match is not read (only Error messages are).
  assert.equal(environmentError({ message: 'permission denied' }, target), undefined);
});

test('sharp and zlib messages without a code are recognised by their text', () => {
  const cases: [string, string, string][] = [
    ['write failed: No space left on device', 'DISK_FULL', '(ENOSPC)'],
    ['Disk quota exceeded', 'DISK_FULL', '(EDQUOT)'],
    ['Read-only file system', 'OUTPUT_UNWRITABLE', '(EROFS)'],
    ['open: Permission denied', 'OUTPUT_UNWRITABLE', '(EACCES)'],
  ];
  for (const [message, code, shown] of cases) {
    const error = environmentError(new Error(message), target);
    assert.ok(error, message);
    assert.equal(error.code, code, message);
    assert.ok(error.message.includes(shown), `${message}: ${error.message}`);
  }
});
