/**
 * Whether VEBI may write a folder at `target`: never over an input (model, data, report, image)
 * or a folder holding one, never the working folder, the home folder or the file-system root,
 * never over a file or a folder VEBI did not write. Checked before any work and again just before
 * the finished folder replaces the old one.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VebiError } from '../../shared/errors';
import { isInside } from './confine';
import { removeLeftovers } from './leftovers';
import { environmentError } from './environment-error';
import { ownershipProblem } from './output-ownership';
import type { OutputKind } from './output-manifest';

export interface OutputTargetOptions {
  kind: OutputKind;
  /** Files and folders the run reads: the output may not be one of them nor hold one. */
  inputs?: readonly (string | undefined)[];
  /** Folders whose every file is read as data: the output may not be inside one either. */
  dataFolders?: readonly (string | undefined)[];
  /** The flag that named the output, for messages ("--out"). */
  flag?: string;
}

function refused(target: string, why: string, flag: string): VebiError {
  return new VebiError('OUTPUT_REFUSED', `${flag} ${target} ${why}; nothing was written. Choose a new or empty folder, or one written by VEBI.`, target);
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
async function realOrLexical(p: string): Promise<string> {
  const absolute = path.resolve(p);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** Both spellings of a path: as given (resolved) and with symlinks resolved. */
async function spellings(p: string): Promise<string[]> {
  const lexical = path.resolve(p);
  const real = await realOrLexical(p);
  return lexical === real ? [lexical] : [lexical, real];
}

async function checkNotAnInput(target: string, options: OutputTargetOptions, flag: string): Promise<void> {
  const targets = await spellings(target);
  const covers = (t: string, p: string) => t === p || isInside(t, p);
  for (const input of options.inputs ?? []) {
    if (!input) continue;
    for (const p of await spellings(input)) {
      if (targets.some((t) => t === p)) throw refused(target, `is an input of this run (${input}); replacing it would delete it`, flag);
      if (targets.some((t) => covers(t, p))) throw refused(target, `holds an input of this run (${input}); replacing it would delete it`, flag);
    }
  }
  for (const folder of options.dataFolders ?? []) {
    if (!folder) continue;
    for (const p of await spellings(folder)) {
      if (targets.some((t) => isInside(p, t))) throw refused(target, `is inside the data folder ${folder}; its files would become part of the data`, flag);
    }
  }
  const protectedFolders: [string, string][] = [
    [process.cwd(), 'the working folder'],
    [os.homedir(), 'your home folder'],
    [path.parse(target).root, 'the root of the file system'],
  ];
  for (const [folder, name] of protectedFolders) {
    for (const p of await spellings(folder)) {
      if (targets.includes(p)) throw refused(target, `is ${name}`, flag);
      if (targets.some((t) => covers(t, p))) throw refused(target, `holds ${name} (${folder})`, flag);
    }
  }
}

/** The nearest existing ancestor of `p` (p itself when it exists). */
async function nearestExisting(p: string): Promise<string> {
  let current = path.resolve(p);
  for (;;) {
    try {
      await fs.lstat(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * Can we create the output's hidden sibling and rename it into place? Tried for real (a probe
 * folder made and removed in the nearest existing ancestor): permission bits do not tell about
 * read-only mounts, root, ACLs or pseudo file systems.
 */
async function checkWritable(target: string): Promise<void> {
  const parent = await nearestExisting(path.dirname(target));
  const probe = path.join(parent, `.vebi-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const stat = await fs.stat(parent);
    if (!stat.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path: parent });
    await fs.mkdir(probe);
    await fs.rmdir(probe);
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) await fs.access(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw environmentError(error, target) ?? new VebiError('OUTPUT_UNWRITABLE', `Cannot write ${target}: ${(error as Error).message}. Choose another folder; nothing was written.`, target);
  }
}

/**
 * Refuses (OUTPUT_REFUSED, exit 2) an output that would replace an input, a protected folder, a
 * file or a folder VEBI did not write; OUTPUT_UNWRITABLE (exit 3) when it cannot be written.
 */
export async function checkOutputTarget(target: string, options: OutputTargetOptions): Promise<void> {
  const absolute = path.resolve(target);
  const flag = options.flag ?? '--out';
  await checkNotAnInput(absolute, options, flag);
  // A run killed mid-swap left the previous folder aside: put it back before judging the target.
  await removeLeftovers(path.dirname(absolute), path.basename(absolute)).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw environmentError(error, absolute) ?? error;
  });
  const problem = await ownershipProblem(absolute, options.kind);
  if (problem) throw refused(absolute, problem, flag);
  await checkWritable(absolute);
}
