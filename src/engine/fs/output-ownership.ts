/**
 * "VEBI only ever replaces what VEBI wrote": a folder may be replaced when it is missing, empty,
 * or carries a manifest listing every file in it. Folders written before manifests existed are
 * recognised by their result file (tool "vebi") and by holding only the kinds of files VEBI writes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isVebiError } from '../../shared/errors';
import { listFolderTree } from './folder-tree';
import type { FolderTree } from './folder-tree';
import { OUTPUT_MANIFEST, readOutputManifest } from './output-manifest';
import type { OutputKind } from './output-manifest';
import { describeFileType } from './safe-read';

/** Result files of folders written before vebi-output.json, with the test that they are VEBI's. */
const LEGACY_RESULT_FILES = ['report.json', 'explanation.json', 'compare.json', 'localization.json', 'ablation.json', 'sanity.json', 'dataset.json'];
const LEGACY_EXTENSIONS = new Set(['.png', '.json', '.html', '.f32', '.md', '.csv']);
const MODEL_FILE = /^(model\.json|vebi\.json|[^/]+\.bin)$/;

function sample(names: string[]): string {
  return `${names.slice(0, 3).join(', ')}${names.length > 3 ? `, ... (${names.length} in all)` : ''}`;
}

async function smallJson(file: string): Promise<unknown> {
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size > 64 * 1024 * 1024) return undefined;
    return JSON.parse(await fs.readFile(file, 'utf8'));
  // Stryker disable next-line BlockStatement: an empty catch block also makes the function return undefined
  } catch {
    return undefined;
  }
}

function writtenByVebi(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const { tool, generator } = json as { tool?: { name?: unknown }; generator?: { name?: unknown } };
  return tool?.name === 'vebi' || generator?.name === 'vebi-flowers';
}

async function isLegacyVebiFolder(dir: string, tree: FolderTree, kind: OutputKind): Promise<boolean> {
  if (tree.others.length > 0 || tree.truncated) return false;
  if (kind === 'model') return tree.files.every((f) => MODEL_FILE.test(f.path));
  if (!tree.files.every((f) => LEGACY_EXTENSIONS.has(path.extname(f.path).toLowerCase()))) return false;
  for (const name of LEGACY_RESULT_FILES) {
    if (tree.files.some((f) => f.path === name) && writtenByVebi(await smallJson(path.join(dir, name)))) return true;
  }
  return false;
}

/** Why VEBI may not replace `target`, or undefined when it may. */
export async function ownershipProblem(target: string, kind: OutputKind): Promise<string | undefined> {
  const stat = await fs.lstat(target).catch(() => undefined);
  if (!stat) return undefined;
  if (stat.isSymbolicLink()) return 'is a symbolic link; VEBI replaces only real folders it wrote';
  if (!stat.isDirectory()) return stat.isFile() ? 'is a file, not a folder' : `is ${describeFileType(stat)}`;
  const tree = await listFolderTree(target);
  if (tree.files.length === 0 && tree.others.length === 0) return undefined;
  let manifest;
  try {
    manifest = await readOutputManifest(target);
  } catch (error) {
    return `has a ${OUTPUT_MANIFEST} VEBI cannot trust (${isVebiError(error) ? error.message : String(error)})`;
  }
  if (manifest) {
    const listed = new Set(manifest.files.map((f) => f.path));
    const foreign = [...tree.others, ...tree.files.map((f) => f.path).filter((p) => p !== OUTPUT_MANIFEST && !listed.has(p))];
    return foreign.length > 0 ? `holds files VEBI did not write (${sample(foreign)})` : undefined;
  }
  if (await isLegacyVebiFolder(target, tree, kind)) return undefined;
  const names = [...tree.files.map((f) => f.path), ...tree.others];
  return `is a folder VEBI did not write (it holds ${sample(names)})`;
}
