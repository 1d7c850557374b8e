/** Writes `files` (relative name -> text) into `dir`, making sub-folders as needed. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
}
