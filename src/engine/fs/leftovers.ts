/**
 * The hidden siblings of an atomic folder write, and what happens to them when a writer dies:
 *   .<name>.partial-<pid>-<tag>   the new folder being written: removed (it is incomplete);
 *   .<name>.old-<pid>-<tag>       the previous folder, moved aside during the swap: put back when
 *                                 the target is missing (the swap was cut between its two renames),
 *                                 removed when the target is there (the swap completed).
 * This process undoes its own on exit (Ctrl-C twice, SIGTERM); a SIGKILL's are handled by the next
 * write to the same folder, which only touches siblings whose process is gone.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

type SiblingKind = 'partial' | 'old';

/** Long names are shortened (with a hash) so the sibling's name fits in 255 bytes. */
function stem(base: string): string {
  return Buffer.byteLength(base) <= 120 ? base : `${base.slice(0, 60)}~${createHash('sha256').update(base).digest('hex').slice(0, 16)}`;
}

export function siblingName(base: string, kind: SiblingKind, tag: string): string {
  return `.${stem(base)}.${kind}-${tag}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Leftover {
  name: string;
  kind: SiblingKind;
  pid: number;
}

function parseSibling(name: string, base: string): Leftover | undefined {
  for (const kind of ['partial', 'old'] as const) {
    const prefix = `.${stem(base)}.${kind}-`;
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0) return { name, kind, pid };
  }
  return undefined;
}

/** Cleans up after writers of `parent/base` that are no longer alive (see the header). */
export async function removeLeftovers(parent: string, base: string): Promise<void> {
  const dead = (await fs.readdir(parent))
    .map((name) => parseSibling(name, base))
    .filter((l): l is Leftover => l !== undefined && l.pid !== process.pid && !isAlive(l.pid));
  const target = path.join(parent, base);
  const olds = dead.filter((l) => l.kind === 'old');
  if (olds.length > 0 && !(await fs.lstat(target).then(() => true, () => false))) {
    // The previous folder is the one the interrupted swap moved aside: the newest such.
    const dated = await Promise.all(olds.map(async (l) => ({ l, mtime: (await fs.lstat(path.join(parent, l.name))).mtimeMs })));
    dated.sort((a, b) => b.mtime - a.mtime);
    await fs.rename(path.join(parent, dated[0].l.name), target);
    olds.splice(olds.indexOf(dated[0].l), 1);
  }
  // Stryker disable next-line MethodExpression: all of dead adds only the olds again (removed twice, force: true) and the one put back, whose name no longer exists (force: true)
  for (const leftover of [...dead.filter((l) => l.kind === 'partial'), ...olds]) {
    await fs.rm(path.join(parent, leftover.name), { recursive: true, force: true });
  }
}

interface WriteState {
  target: string;
  temp: string;
  old: string;
  movedAside: boolean;
  published: boolean;
}

const active = new Set<WriteState>();
let exitHookInstalled = false;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** On exit (normal, process.exit, a handled signal): no partial folder, the previous folder in place. */
function undoActiveWrites(): void {
  for (const write of active) {
    try {
      if (write.movedAside && !write.published && !existsSync(write.target)) renameSync(write.old, write.target);
      rmSync(write.temp, { recursive: true, force: true });
      if (write.published) rmSync(write.old, { recursive: true, force: true });
    } catch {
      // Best effort at exit: the next run's removeLeftovers finishes the job.
    }
  }
  // A write already handed to libuv's thread pool (a mkdir, a file) can still land after the removal:
  // look again for a moment, as the process is going anyway.
  for (let round = 0; round < 5 && active.size > 0; round++) {
    sleepSync(10);
    for (const write of active) rmSync(write.temp, { recursive: true, force: true });
  }
  active.clear();
}

export function trackWrite(paths: { target: string; temp: string; old: string }) {
  if (!exitHookInstalled) {
    process.on('exit', undoActiveWrites);
    exitHookInstalled = true;
  }
  const state: WriteState = { ...paths, movedAside: false, published: false };
  active.add(state);
  return {
    state,
    movedAside: () => void (state.movedAside = true),
    restored: () => void (state.movedAside = false),
    published: () => void (state.published = true),
    finish: () => void active.delete(state),
  };
}
