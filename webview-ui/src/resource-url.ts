/**
 * URL of a report file: the host sends each report folder's webview URI (`base`) and reports name
 * files relative to it with forward slashes. Each segment is percent-encoded, so a file name with
 * `#`, `?` or spaces still points at the file.
 */
export function resourceUrl(base: string, relativePath: string): string {
  const root = base.endsWith('/') ? base.slice(0, -1) : base;
  const segments = relativePath.split(/[\\/]/).filter((segment) => segment.length > 0 && segment !== '.');
  return `${root}/${segments.map(encodeURIComponent).join('/')}`;
}
