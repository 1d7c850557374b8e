/** How near a file is to a model's folder: the script beside a model built it, the data folder beside it fits it. */

/** How many folders up from `folder` one must go to reach a folder holding `file` (0: same folder or below). */
export function foldersApart(folder: string, file: string): number {
  const a = folder.split(/[\\/]+/).filter(Boolean);
  const b = file.split(/[\\/]+/).filter(Boolean).slice(0, -1);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return a.length - common;
}
