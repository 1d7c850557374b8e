/** How near a file is to a model's folder: the script beside a model built it, the data folder beside it fits it. */

/** How many folders up from `folder` one must go to reach a folder holding `file` (0: same folder or below). */
export function foldersApart(folder: string, file: string): number {
  // Stryker disable next-line Regex: the empty parts that single separators leave between doubled ones are filtered out
  const a = folder.split(/[\\/]+/).filter(Boolean);
  // Stryker disable next-line Regex: the empty parts that single separators leave between doubled ones are filtered out
  const b = file.split(/[\\/]+/).filter(Boolean).slice(0, -1);
  let common = 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: past either array's end an element is undefined, which never equals a (non-empty string) part, so the loop stops the same
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return a.length - common;
}
