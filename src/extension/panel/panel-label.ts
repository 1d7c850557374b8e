/**
 * The name a panel tab shows for its model, from the model's workspace-relative path: the folder
 * of a TF.js model.json (every such model is called model.json), else the file's own name (a Keras
 * file names itself; a model.json at the workspace root has no folder worth showing).
 */
export function panelLabel(relativeModelPath: string): string {
  // Stryker disable next-line Regex: the empty parts that single separators leave between doubled ones are filtered out
  const parts = relativeModelPath.split(/[\\/]+/).filter(Boolean);
  const file = parts[parts.length - 1] ?? relativeModelPath;
  return file === 'model.json' && parts.length >= 2 ? parts[parts.length - 2] : file;
}
