/**
 * Lexical checks on a path read from a file (a report, a cache entry, a manifest): it must be a
 * plain relative path that stays inside the folder it is resolved from. Pure string work, so the
 * schemas (and the extension, and the webview) can use it; the engine adds a symlink check when
 * it opens the file (src/engine/fs/confine.ts).
 */

/** Why `rel` is not a safe relative path, or undefined when it is one. */
export function unsafeRelativePathReason(rel: string): string | undefined {
  if (rel.length === 0) return 'is empty';
  if (rel.length > 4096) return 'is longer than 4096 characters';
  if (rel.includes('\0')) return 'contains a NUL character';
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[a-zA-Z]:/.test(rel)) return 'is absolute';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(rel)) return 'is a URL';
  const segments = rel.split(/[\\/]/);
  if (segments.some((s) => s === '..')) return 'climbs out of its folder ("..")';
  if (segments.every((s) => s === '' || s === '.')) return 'names the folder itself, not a file in it';
  return undefined;
}

export function isSafeRelativePath(rel: string): boolean {
  return unsafeRelativePathReason(rel) === undefined;
}
