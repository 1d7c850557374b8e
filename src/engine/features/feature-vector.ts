/**
 * Internal features of images (method.md section 1): per channel the sum of squares over space,
 * L1-normalised within each layer, concatenated in layer order, then optionally L2-normalised.
 */
import * as tf from '@tensorflow/tfjs';

/** Sum of squares per channel: [B, H, W, K] or [B, K] -> [B, K]. */
function channelEnergy(output: tf.Tensor): tf.Tensor2D {
  const squared = tf.square(output);
  // Stryker disable next-line ConditionalExpression: a shortcut: summing a [B, K] map over its (no) spatial axes returns it unchanged
  if (output.rank === 2) return squared as tf.Tensor2D;
  const spatialAxes = Array.from({ length: output.rank - 2 }, (_, i) => i + 1);
  return tf.sum(squared, spatialAxes) as tf.Tensor2D;
}

/** Divides each row by its sum (or its L2 norm); an all-zero row stays zero instead of NaN. */
function normalizeRows(rows: tf.Tensor2D, norm: 'l1' | 'l2'): tf.Tensor2D {
  const size = norm === 'l1' ? tf.sum(rows, 1, true) : tf.sqrt(tf.sum(tf.square(rows), 1, true));
  const safe = tf.where(tf.greater(size, 0), size, tf.onesLike(size));
  return tf.div(rows, safe) as tf.Tensor2D;
}

/** The blocks side by side, [B, sum of widths]. */
function joinColumns<T extends tf.Tensor2D>(blocks: T[]): T {
  // Stryker disable next-line ConditionalExpression: a shortcut: concatenating a single block gives a copy of it
  return blocks.length === 1 ? blocks[0] : (tf.concat(blocks, 1) as T);
}

/** Feature vectors [B, m] of a batch from its feature layers' outputs (in feature order). */
export function featureVectors(outputs: tf.Tensor[], l2Normalize: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const blocks = outputs.map((output) => normalizeRows(channelEnergy(output), 'l1'));
    const joined = joinColumns(blocks);
    return l2Normalize ? normalizeRows(joined, 'l2') : joined;
  });
}

/**
 * Peak response of every channel (max over space) and where it is, for the top-k image search
 * of section 3. Returns values [B, m] and flat spatial indices [B, m] (0 for dense layers).
 */
export function peakResponses(outputs: tf.Tensor[]): { values: tf.Tensor2D; positions: tf.Tensor2D } {
  return tf.tidy(() => {
    const values: tf.Tensor2D[] = [];
    const positions: tf.Tensor2D[] = [];
    for (const output of outputs) {
      // A [B, K] output (dense) becomes [B, 1, K]: its peak is the value itself, at position 0.
      const [batch] = output.shape;
      const channels = output.shape[output.rank - 1];
      const flat = tf.reshape(output, [batch, -1, channels]);
      values.push(tf.max(flat, 1) as tf.Tensor2D);
      positions.push(tf.argMax(flat, 1) as tf.Tensor2D);
    }
    return {
      values: joinColumns(values),
      positions: joinColumns(positions),
    };
  });
}
