/**
 * vebi-output.json: the marker VEBI writes into every folder it produces, naming the tool, the
 * kind of result and every file with its size and SHA-256. It is what lets VEBI replace a folder
 * (only what it wrote) and check a cached copy before serving it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OUTPUT_MANIFEST_SCHEMA } from '../../shared/schemas/output-manifest';
import type { OutputManifest } from '../../shared/schemas/output-manifest';
import { TOOL } from '../tool';
import { confinedJoin } from './confine';
import { listFolderTree } from './folder-tree';
import { parseJsonFile } from '../report/parse-json-file';
import { LIMITS } from './safe-read';

export const OUTPUT_MANIFEST = 'vebi-output.json';

export type OutputKind = OutputManifest['kind'];

async function sha256(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  // end: a file that grows while hashed is not read past its listed size.
  if (bytes > 0) for await (const chunk of createReadStream(file, { end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Lists `dir` and writes its manifest into it (the manifest itself is not listed). */
export async function writeOutputManifest(dir: string, kind: OutputKind): Promise<OutputManifest> {
  const tree = await listFolderTree(dir);
  const files = [];
  for (const file of tree.files) {
    // Stryker disable next-line ConditionalExpression: a regular vebi-output.json already there makes the 'wx' open below fail with EEXIST whether or not it was hashed first
    if (file.path === OUTPUT_MANIFEST) continue;
    files.push({ path: file.path, bytes: file.bytes, sha256: await sha256(path.join(dir, file.path), file.bytes) });
  }
  const manifest: OutputManifest = { tool: 'vebi', version: TOOL.version, kind, createdAt: new Date().toISOString(), files };
  const handle = await fs.open(path.join(dir, OUTPUT_MANIFEST), 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 1)}\n`);
    await handle.sync(); // the rename that publishes the folder must not expose a manifest still in flight
  } finally {
    await handle.close();
  }
  return manifest;
}

/** The folder's manifest; undefined when there is none; REPORT_INVALID when it is not one. */
export async function readOutputManifest(dir: string): Promise<OutputManifest | undefined> {
  const file = path.join(dir, OUTPUT_MANIFEST);
  const exists = await fs.lstat(file).then(() => true, () => false);
  if (!exists) return undefined;
  const manifest = await parseJsonFile(file, OUTPUT_MANIFEST_SCHEMA, { what: 'Manifest', code: 'REPORT_INVALID', hint: 'It is not a manifest VEBI wrote: delete the folder or re-run VEBI.', maxBytes: LIMITS.smallJsonBytes });
  for (const entry of manifest.files) confinedJoin(dir, entry.path, { code: 'REPORT_INVALID', source: file, hint: 'Delete the folder or re-run VEBI.' });
  return manifest;
}

/**
 * Why the folder does not match its manifest (a file missing, of another size or content, or one
 * not listed), or undefined when it matches exactly. Checks contents only when `hashes` is set.
 */
export async function manifestMismatch(dir: string, manifest: OutputManifest, options: { hashes: boolean }): Promise<string | undefined> {
  const tree = await listFolderTree(dir);
  if (tree.others.length > 0) return `${tree.others[0]} is not a regular file`;
  const actual = new Map(tree.files.map((f) => [f.path, f.bytes]));
  actual.delete(OUTPUT_MANIFEST);
  for (const entry of manifest.files) {
    const bytes = actual.get(entry.path);
    if (bytes === undefined) return `${entry.path} is missing`;
    if (bytes !== entry.bytes) return `${entry.path} has ${bytes} bytes, the manifest says ${entry.bytes}`;
    if (options.hashes && (await sha256(path.join(dir, entry.path), bytes)) !== entry.sha256) return `${entry.path} does not have the content the manifest lists`;
    actual.delete(entry.path);
  }
  const extra = [...actual.keys()];
  return extra.length > 0 ? `${extra[0]} is not listed in its manifest` : undefined;
}
