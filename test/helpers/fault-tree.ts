/**
 * Fault-injection helpers: what a folder tree looks like, byte for byte, so a test can prove that a
 * run changed nothing it was not allowed to change; VEBI's output manifest checked independently of
 * VEBI's own code; and the hidden siblings an interrupted atomic write could leave behind.
 *
 * Names are walked as Buffers: a file name that is not valid UTF-8 is a distinct entry, not a
 * U+FFFD look-alike. Nothing but regular files is ever opened (a FIFO would block the walk).
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';

export type EntryType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'chardev' | 'blockdev' | 'other';

export interface TreeEntry {
  type: EntryType;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Regular files: size and SHA-256 of the content. */
  size?: number;
  sha256?: string;
  /** Symbolic links: the link text (as stored, not followed). */
  target?: string;
  /** Set when the entry could not be read (kept in the snapshot: a change of readability is a change). */
  error?: string;
}

/** Relative path -> entry; keys use '/' and `hex:<bytes>` for a component that is not valid UTF-8. */
export type TreeSnapshot = Map<string, TreeEntry>;

function typeOf(stat: Stats): EntryType {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'dir';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'chardev';
  if (stat.isBlockDevice()) return 'blockdev';
  return 'other';
}

/** A readable, unambiguous key for one name. */
function nameKey(name: Buffer): string {
  const text = name.toString('utf8');
  return Buffer.from(text, 'utf8').equals(name) && !text.includes('\n') ? text : `hex:${name.toString('hex')}`;
}

export async function sha256File(file: string | Buffer): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Sparse files of several GiB are hashed by their apparent size and their allocated blocks only. */
const HASH_LIMIT = 256 * 1024 * 1024;

async function describe(full: Buffer, stat: Stats): Promise<TreeEntry> {
  const entry: TreeEntry = { type: typeOf(stat), mode: stat.mode & 0o7777 };
  if (entry.type === 'file') {
    entry.size = stat.size;
    if (stat.size <= HASH_LIMIT) {
      try {
        entry.sha256 = await sha256File(full);
      } catch (error) {
        entry.error = (error as NodeJS.ErrnoException).code ?? String(error);
      }
    } else {
      entry.sha256 = `sparse:${stat.blocks}`;
    }
  } else if (entry.type === 'symlink') {
    entry.target = (await fs.readlink(full, { encoding: 'buffer' })).toString('hex');
  }
  return entry;
}

function isExcluded(full: Buffer, excluded: Buffer[]): boolean {
  return excluded.some((e) => e.equals(full));
}

/**
 * Every entry under `root` (root itself not included) with type, permissions, size, content hash
 * or link text; `exclude` are absolute paths left out together with everything under them.
 */
export async function snapshotTree(root: string, options: { exclude?: readonly string[] } = {}): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = new Map();
  const excluded = (options.exclude ?? []).map((p) => Buffer.from(path.resolve(p)));
  const walk = async (dir: Buffer, prefix: string): Promise<void> => {
    let names: Buffer[];
    try {
      names = await fs.readdir(dir, { encoding: 'buffer' });
    } catch (error) {
      snapshot.set(`${prefix || '.'}/<listing>`, { type: 'other', mode: 0, error: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    names.sort(Buffer.compare);
    for (const name of names) {
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      if (isExcluded(full, excluded)) continue;
      const key = prefix ? `${prefix}/${nameKey(name)}` : nameKey(name);
      const stat = await fs.lstat(full);
      const entry = await describe(full, stat);
      snapshot.set(key, entry);
      if (entry.type === 'dir') await walk(full, key);
    }
  };
  await walk(Buffer.from(path.resolve(root)), '');
  return snapshot;
}

/** One digest for a whole snapshot (order-independent of the walk). */
export function snapshotDigest(snapshot: TreeSnapshot): string {
  const hash = createHash('sha256');
  for (const key of [...snapshot.keys()].sort()) hash.update(`${key}\0${JSON.stringify(snapshot.get(key))}\n`);
  return hash.digest('hex');
}

/** Digest of a folder's whole tree. */
export async function folderDigest(dir: string): Promise<string> {
  return snapshotDigest(await snapshotTree(dir));
}

/** Keys of `snapshot` except `rel` and everything under it. */
export function withoutSubtree(snapshot: TreeSnapshot, rel: string): TreeSnapshot {
  if (rel === '' || rel === '.') return new Map();
  return new Map([...snapshot].filter(([key]) => key !== rel && !key.startsWith(`${rel}/`)));
}

/** Human-readable differences (added, removed, changed), at most `max`. */
export function diffSnapshots(before: TreeSnapshot, after: TreeSnapshot, max = 12): string[] {
  const out: string[] = [];
  for (const [key, entry] of before) {
    const now = after.get(key);
    if (!now) out.push(`removed ${key} (${entry.type})`);
    else if (JSON.stringify(now) !== JSON.stringify(entry)) out.push(`changed ${key}: ${JSON.stringify(entry)} -> ${JSON.stringify(now)}`);
  }
  for (const [key, entry] of after) if (!before.has(key)) out.push(`added ${key} (${entry.type}${entry.size !== undefined ? `, ${entry.size} bytes` : ''})`);
  return out.length > max ? [...out.slice(0, max), `... and ${out.length - max} more`] : out;
}

/** `.<name>.partial-<pid>-<hex>` and `.<name>.old-<pid>-<hex>`: siblings of an atomic folder write. */
export const HIDDEN_SIBLING = /^\..+\.(partial|old)-\d+-[0-9a-f]+$/;

/** Every hidden partial/old sibling anywhere under `root` (relative paths). */
export async function findHiddenSiblings(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const key of (await snapshotTree(root)).keys()) {
    const base = key.split('/').pop() ?? '';
    if (HIDDEN_SIBLING.test(base)) found.push(key);
  }
  return found;
}

/** The hidden partial/old siblings of one output folder (in its parent). */
export async function siblingsOf(out: string): Promise<string[]> {
  const parent = path.dirname(out);
  const base = path.basename(out);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`.${base}.partial-`) || n.startsWith(`.${base}.old-`));
}

export interface ManifestCheck {
  kind: string;
  files: number;
}

/**
 * Checks an output folder the way a user would trust it: vebi-output.json names tool "vebi", a
 * kind, and every file with bytes and SHA-256; the folder holds exactly those files (regular files
 * and folders only); `kind` when given must match. Throws an Error saying what is wrong.
 */
export async function verifyOutputFolder(dir: string, kind?: string): Promise<ManifestCheck> {
  const manifestPath = path.join(dir, 'vebi-output.json');
  const manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as { tool?: unknown; kind?: unknown; files?: { path?: unknown; bytes?: unknown; sha256?: unknown }[] };
  if (manifest.tool !== 'vebi') throw new Error(`${manifestPath}: tool is ${JSON.stringify(manifest.tool)}, not "vebi"`);
  if (typeof manifest.kind !== 'string') throw new Error(`${manifestPath}: no kind`);
  if (kind && manifest.kind !== kind) throw new Error(`${manifestPath}: kind ${manifest.kind}, expected ${kind}`);
  if (!Array.isArray(manifest.files)) throw new Error(`${manifestPath}: no file list`);
  const tree = await snapshotTree(dir);
  const actual = new Map<string, TreeEntry>();
  for (const [key, entry] of tree) {
    if (entry.type === 'dir') continue;
    if (entry.type !== 'file') throw new Error(`${dir}: ${key} is a ${entry.type}, not a regular file`);
    actual.set(key, entry);
  }
  actual.delete('vebi-output.json');
  for (const file of manifest.files) {
    if (typeof file.path !== 'string' || typeof file.bytes !== 'number' || typeof file.sha256 !== 'string') throw new Error(`${manifestPath}: malformed entry ${JSON.stringify(file)}`);
    const entry = actual.get(file.path);
    if (!entry) throw new Error(`${dir}: ${file.path} is listed in vebi-output.json but missing`);
    if (entry.size !== file.bytes || entry.sha256 !== file.sha256) throw new Error(`${dir}: ${file.path} does not match vebi-output.json (${entry.size} bytes, sha ${entry.sha256?.slice(0, 12)} vs ${file.bytes} bytes, sha ${file.sha256.slice(0, 12)})`);
    actual.delete(file.path);
  }
  if (actual.size > 0) throw new Error(`${dir}: ${[...actual.keys()].join(', ')} not listed in vebi-output.json`);
  const result = manifest.kind === 'interpretation' ? 'report.json' : manifest.kind === 'explanation' ? 'explanation.json' : undefined;
  if (result) {
    const json = JSON.parse(await fs.readFile(path.join(dir, result), 'utf8')) as { kind?: unknown };
    if (json.kind !== manifest.kind) throw new Error(`${dir}/${result}: kind ${JSON.stringify(json.kind)}, expected ${manifest.kind}`);
  }
  return { kind: manifest.kind, files: manifest.files.length };
}

/**
 * Rewrites a folder's vebi-output.json so it lists the folder's regular files as they are now (an
 * attacker who edits a report can do the same): a tampered report then passes the manifest check
 * and only the content checks can catch it.
 */
export async function resealManifest(dir: string): Promise<void> {
  const manifestPath = path.join(dir, 'vebi-output.json');
  const old = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  const files: { path: string; bytes: number; sha256: string }[] = [];
  for (const [key, entry] of await snapshotTree(dir)) {
    if (entry.type !== 'file' || key === 'vebi-output.json') continue;
    files.push({ path: key, bytes: entry.size ?? 0, sha256: entry.sha256 ?? '' });
  }
  await fs.writeFile(manifestPath, `${JSON.stringify({ ...old, files }, null, 1)}\n`);
}
