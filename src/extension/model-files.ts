/** Which files are models VEBI can open (for menus and the palette). Pure: tested without VS Code. */

/** True for a TF.js model.json (Layers or graph model), false for any other JSON. */
export function isTfjsModelJson(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const json = value as Record<string, unknown>;
  const hasTopology = typeof json.modelTopology === 'object' && json.modelTopology !== null;
  const hasManifest = Array.isArray(json.weightsManifest);
  return hasTopology && (hasManifest || json.format === 'layers-model' || json.format === 'graph-model');
}

/**
 * Why a file that should be a model.json is not one, in words for an error message; undefined
 * when it is a model.
 */
export function modelJsonProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON (${(error as Error).message}); re-export the model (model.json and its weight shards)`;
  }
  if (isTfjsModelJson(text)) return undefined;
  const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  return `is not a TensorFlow.js model: it has no modelTopology and weightsManifest${keys.length ? ` (its keys: ${keys.slice(0, 5).join(', ')})` : ''}`;
}

/** Model files larger than this are not parsed to decide (their name decides). */
export const MODEL_JSON_SNIFF_LIMIT = 64 * 1024 * 1024;
