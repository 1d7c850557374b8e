/**
 * Paths read back from a file VEBI did not necessarily write (a report, a cache entry, a manifest)
 * must be plain relative paths that stay inside their folder. unsafeRelativePathReason names what
 * is wrong; the schemas quote the path (cut when long) in the message the user sees.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isSafeRelativePath, unsafeRelativePathReason } from '../../src/shared/safe-path';
import { safeRelativePath } from '../../src/shared/schemas/safe-relative-path';

test('plain relative paths inside the folder are safe', () => {
  for (const rel of ['a.png', 'cats/001.png', 'cats\\001.png', './a.png', 'a/./b.png', 'a//b.png', 'a/.hidden', '...', '..a', 'a..', 'a/b:c', '_x:y', '1:x', 'cats/']) {
    assert.equal(unsafeRelativePathReason(rel), undefined, rel);
    assert.equal(isSafeRelativePath(rel), true, rel);
  }
});

test('the empty path is refused as empty (not as the folder itself)', () => {
  assert.equal(unsafeRelativePathReason(''), 'is empty');
  assert.equal(isSafeRelativePath(''), false);
});

test('length: 4096 characters is the longest accepted path', () => {
  assert.equal(unsafeRelativePathReason('a'.repeat(4096)), undefined);
  assert.equal(unsafeRelativePathReason('a'.repeat(4097)), 'is longer than 4096 characters');
  assert.equal(isSafeRelativePath('a'.repeat(4097)), false);
});

test('a NUL character is refused', () => {
  assert.equal(unsafeRelativePathReason('a\0.png'), 'contains a NUL character');
});

test('absolute paths are refused as absolute: POSIX root, Windows root or UNC, drive letter', () => {
  for (const rel of ['/etc/passwd', '\\Windows\\win.ini', '\\\\server\\share\\x.png', 'C:\\Windows', 'c:/x.png', 'C:', 'z:x']) {
    assert.equal(unsafeRelativePathReason(rel), 'is absolute', rel);
    assert.equal(isSafeRelativePath(rel), false, rel);
  }
});

test('URLs are refused as URLs', () => {
  for (const rel of ['https://example.com/a.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'vscode-resource:x', 'a+b.c-d:x', 'ab:']) {
    assert.equal(unsafeRelativePathReason(rel), 'is a URL', rel);
  }
});

test('".." segments climb out and are refused, with either separator', () => {
  for (const rel of ['..', '../x.png', 'a/../../x.png', 'a\\..\\..\\x.png', 'a/..', '../']) {
    assert.equal(unsafeRelativePathReason(rel), 'climbs out of its folder ("..")', rel);
  }
});

test('a path that names the folder itself (".", "./", ".//.", "./\\") is refused', () => {
  for (const rel of ['.', './', './/.', '.\\', './.', './/']) {
    assert.equal(unsafeRelativePathReason(rel), 'names the folder itself, not a file in it', rel);
    assert.equal(isSafeRelativePath(rel), false, rel);
  }
});

function schemaMessage(value: string): string | undefined {
  const result = safeRelativePath.safeParse(value);
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('\n');
}

test('the schema quotes the path and the reason; a quoted path of up to 80 characters is shown whole', () => {
  assert.equal(safeRelativePath.parse('cats/001.png'), 'cats/001.png');
  assert.equal(schemaMessage('../x'), `the path "../x" climbs out of its folder (".."); paths here must stay inside the file's own folder`);
  assert.equal(schemaMessage('a\0b'), `the path "a\\u0000b" contains a NUL character; paths here must stay inside the file's own folder`);
  const value78 = `../${'a'.repeat(75)}`; // quoted: exactly 80 characters
  assert.equal(schemaMessage(value78), `the path "${value78}" climbs out of its folder (".."); paths here must stay inside the file's own folder`);
});

test('the schema cuts a quoted path longer than 80 characters to its first 77 and "..."', () => {
  const value79 = `../${'a'.repeat(76)}`; // quoted: 81 characters
  assert.equal(schemaMessage(value79), `the path "../${'a'.repeat(73)}..." climbs out of its folder (".."); paths here must stay inside the file's own folder`);
  const huge = `/${'b'.repeat(5000)}`;
  assert.equal(schemaMessage(huge), `the path "/${'b'.repeat(75)}..." is longer than 4096 characters; paths here must stay inside the file's own folder`);
});
