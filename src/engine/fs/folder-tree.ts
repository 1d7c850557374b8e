/** Lists a folder's tree without following links, for manifests and ownership checks. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface FolderTree {
  /** Regular files: '/'-separated path relative to the folder, and size. */
  files: { path: string; bytes: number }[];
  /** Anything else VEBI never writes (links, FIFOs, devices, sockets), relative. */
  others: string[];
  /** True when the listing stopped at `maxEntries`. */
  truncated: boolean;
}

export async function listFolderTree(root: string, maxEntries = 200_000): Promise<FolderTree> {
  const tree: FolderTree = { files: [], others: [], truncated: false };
  let seen = 0;
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++seen > maxEntries) {
        tree.truncated = true;
        return;
      }
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, rel);
      else if (entry.isFile()) tree.files.push({ path: rel, bytes: (await fs.lstat(full)).size });
      else tree.others.push(rel);
      if (tree.truncated) return;
    }
  };
  await walk(root, '');
  return tree;
}
