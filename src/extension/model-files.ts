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

/** Model files larger than this are not parsed to decide (their name decides). */
export const MODEL_JSON_SNIFF_LIMIT = 64 * 1024 * 1024;
