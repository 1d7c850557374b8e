/** Which class an explanation is for: the one asked, or the predicted one (arg max of the scores). */
import { VebiError } from '../../shared/errors';

export interface ExplanationTarget {
  /** Class to explain; the predicted class when undefined. */
  classIndex?: number;
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function targetClass(probabilities: ArrayLike<number>, target: ExplanationTarget = {}): number {
  const asked = target.classIndex;
  if (asked === undefined) return argMax(probabilities);
  if (!Number.isInteger(asked) || asked < 0 || asked >= probabilities.length) {
    throw new VebiError('BAD_ARGUMENT', `The class to explain must be an integer from 0 to ${probabilities.length - 1} (got ${asked}).`);
  }
  return asked;
}
