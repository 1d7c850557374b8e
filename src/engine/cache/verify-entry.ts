/**
 * A cached report folder is served only when it is exactly what VEBI stored: its manifest lists
 * every file with size and SHA-256, nothing else is there, and its report.json parses and points
 * only at files of the folder. Anything less and the entry is dropped and the result recomputed.
 */
import { isVebiError } from '../../shared/errors';
import { manifestMismatch, readOutputManifest } from '../fs/output-manifest';
import { readInterpretation } from '../report/read-report';

/** Why the entry cannot be served, or undefined when it can. */
export async function entryProblem(dir: string): Promise<string | undefined> {
  try {
    const manifest = await readOutputManifest(dir);
    if (!manifest) return 'it has no manifest';
    if (manifest.kind !== 'interpretation') return `its manifest is for a ${manifest.kind}, not an interpretation`;
    const mismatch = await manifestMismatch(dir, manifest, { hashes: true });
    if (mismatch) return mismatch;
    const { report } = await readInterpretation(dir);
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const visual of Object.values(report.visuals)) {
      for (const file of [visual.average, visual.strip, visual.guided]) {
        if (!listed.has(file)) return `report.json names ${file}, which the entry does not hold`;
      }
    }
    return undefined;
  } catch (error) {
    return isVebiError(error) ? error.message : String(error);
  }
}
