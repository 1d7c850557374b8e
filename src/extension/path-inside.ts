/**
 * Lexical containment for paths the webview sends (a dataset image by its relative path): pure,
 * so it is unit-tested without VS Code. The engine has the same check with symlinks
 * (src/engine/fs/confine.ts), which the extension host may not import.
 */
import * as path from 'node:path';

/** True when `candidate` is strictly inside `root` (not `root` itself, not a sibling like `root2`). */
export function isInsideFolder(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** `relPath` resolved against `root`, or undefined when it leads to `root` itself or outside it. */
export function resolveInsideFolder(root: string, relPath: string): string | undefined {
  const resolved = path.resolve(root, relPath);
  return isInsideFolder(root, resolved) ? resolved : undefined;
}
