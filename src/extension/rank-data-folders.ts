/**
 * Orders the candidate data folders of the folder quick pick by how well they fit the model: as
 * many class folders as the model has classes first, then the folder nearest the model file, then
 * the most images. Each gets a one-line reason the user can read in the pick.
 */
import type { DatasetCandidate } from './dataset-discovery';
import { foldersApart } from './folder-distance';

export interface ModelFacts {
  /** Absolute folder of the model file. */
  modelDir: string;
  /** The model's class count, when the engine could read it. */
  numClasses?: number;
}

export interface RankedFolder extends DatasetCandidate {
  /** Whether the class count equals the model's (undefined when the model's is unknown). */
  classesMatch?: boolean;
  /** Folders up from the model's folder to a common ancestor (0: beside or below the model). */
  distance: number;
  /** Why it ranks where it does, for the pick's description. */
  reason: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function rankDataFolders(candidates: readonly DatasetCandidate[], model: ModelFacts): RankedFolder[] {
  const ranked = candidates.map((c): RankedFolder => {
    const classesMatch = model.numClasses === undefined ? undefined : c.classes === model.numClasses;
    const distance = foldersApart(model.modelDir, `${c.path}/x`);
    const fit =
      classesMatch === undefined ? plural(c.classes, 'class folder') : classesMatch ? `${plural(c.classes, 'class folder')}, as the model has` : `${plural(c.classes, 'class folder')}; the model has ${plural(model.numClasses ?? 0, 'class', 'classes')}`;
    const place = distance === 0 ? ' · next to the model' : '';
    return { ...c, classesMatch, distance, reason: `${fit}${place}` };
  });
  const classRank = (r: RankedFolder) => (r.classesMatch === false ? 1 : 0);
  return ranked.sort((a, b) => classRank(a) - classRank(b) || a.distance - b.distance || b.sampledImages - a.sampledImages || a.path.localeCompare(b.path));
}
