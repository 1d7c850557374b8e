/**
 * Test helper: runs a TypeScript script as the user nobody (uid 65534), to see the engine meet a
 * file or folder its user may not read or write. Needs root.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const NOBODY = 65534;

/**
 * nobody must reach the project's sources: a mutation-testing sandbox is a private (0700) temp
 * folder inside the project, so the folders from the working directory down to `file` are opened
 * for reading; a normal checkout is already readable and is left as it is.
 */
function openPathFromCwd(file: string): void {
  const cwd = process.cwd();
  for (let dir = path.dirname(file); dir.startsWith(cwd); dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o005) !== 0o005) chmodSync(dir, mode | 0o005);
    if (dir === cwd) break;
  }
}

/** Runs `script` (a .ts file nobody may read) with tsx as nobody; `imports` are the project files it imports. */
export function runAsNobody(script: string, imports: string[]): SpawnSyncReturns<string> {
  for (const file of imports) openPathFromCwd(path.resolve(file));
  return spawnSync(process.execPath, ['--import', 'tsx', script], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', timeout: 20_000 });
}
