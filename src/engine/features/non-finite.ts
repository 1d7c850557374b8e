/**
 * Finite weights can still give NaN or Infinity (inputs preprocessed far outside the training
 * range, float32 overflow). Such values must stop the run with a reason before they reach the Gram
 * matrix, the solver or a "NaN%" in a report. Detecting is a loop over values already read back;
 * locating the layer runs the model once more, only when something was found.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import type { VebiModel } from '../model/types';
import { featureVectors } from './feature-vector';

/** True when some value is NaN or +-Infinity (x * 0 is NaN exactly for those: one branch-free pass). */
export function hasNonFinite(values: ArrayLike<number>): boolean {
  let sum = 0;
  // Stryker disable next-line AssignmentOperator: subtracting gives NaN for the same values and -0 (=== 0) for the others
  for (let i = 0; i < values.length; i++) sum += values[i] * 0;
  return sum !== 0;
}

function firstNonFiniteRow(values: ArrayLike<number>, columns: number): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return Math.floor(i / columns);
  return -1;
}

export interface NonFiniteSite {
  /** The first feature layer, in the model's layer order, whose features are not finite; undefined when only the class probabilities are. */
  layer?: string;
  /** Row of the batch where it happens. */
  row: number;
}

/**
 * Runs `x` again and finds where non-finite values start: each feature layer's own block (before the
 * L2 normalisation, which would spread one layer's NaN over all of them), in the model's layer
 * order, then the class probabilities. Undefined when everything is finite this time.
 */
export function locateNonFinite(model: VebiModel, x: tf.Tensor4D): NonFiniteSite | undefined {
  const blocks = tf.tidy(() => {
    const { outputs, probs } = model.forward(x, model.featureLayers);
    // Stryker disable next-line BooleanLiteral: L2 normalisation is per row and keeps a row of L1-normalised values ([0, 1], or with NaN) finite or not
    return { layers: outputs.map((output) => featureVectors([output], false)), probs };
  });
  try {
    const order = (name: string) => model.layers.findIndex((layer) => layer.name === name);
    const byModelOrder = model.featureLayers.map((layer, i) => ({ layer, block: blocks.layers[i] })).sort((a, b) => order(a.layer) - order(b.layer));
    for (const { layer, block } of byModelOrder) {
      const row = firstNonFiniteRow(block.dataSync(), block.shape[1]);
      if (row >= 0) return { layer, row };
    }
    const row = firstNonFiniteRow(blocks.probs.dataSync(), blocks.probs.shape[1]);
    return row >= 0 ? { row } : undefined;
  } finally {
    tf.dispose([...blocks.layers, blocks.probs]);
  }
}

/** NON_FINITE naming where it starts, the image, and what to do. */
export function nonFiniteError(site: NonFiniteSite | undefined, image?: string, preprocessing?: string): VebiError {
  const where = site?.layer
    ? `Layer "${site.layer}" of the model gives non-finite values (NaN or Infinity, or values too large to square in float32)`
    : 'The model gives non-finite class probabilities (NaN or Infinity)';
  const on = image ? ` on image ${image}` : ' on the image explained';
  const used = preprocessing ? ` (now ${preprocessing})` : '';
  return new VebiError(
    'NON_FINITE',
    `${where}${on}. Usually the preprocessing${used} is not the one the model was trained with: check --preprocessing (the setting vebi.preprocessing) or vebi.json next to the model. If it is right, the model itself overflows: re-export it.`,
    image,
  );
}
