/** An interpretation of seeded values (a third of the features relevant to each class), for tests and benches. */
import type { ExplanationWeights } from '../../src/engine/explain/compute-explanation';
import { FeatureTable } from '../../src/engine/interpret/feature-table';
import type { VebiModel } from '../../src/engine/model/types';
import { seededRandom } from './seeded-random';

export function syntheticWeights(model: VebiModel, seed = 3): ExplanationWeights {
  const rand = seededRandom(seed);
  const m = model.featureCount;
  const C = model.numClasses;
  const table = new FeatureTable(model.layers);
  return {
    nonNegative: Float32Array.from({ length: m * C }, () => (rand() < 0.33 ? rand() : 0)),
    signed: Float32Array.from({ length: m * C }, () => 2 * rand() - 1),
    peakResponses: new Float32Array(m).fill(1),
    numClasses: C,
    feature: (i) => table.at(i),
    l2Normalize: true,
  };
}
