/**
 * The explain command with a method of the registry other than VEBI: its map becomes the
 * explanation's `combined` map; such an explanation has no per-feature maps and no absent checks.
 */
import type { ExplanationReport } from '../../shared/report';
import type { VebiModel } from '../model/types';
import type { Explanation } from './compute-explanation';
import type { ExplanationMethod, MethodContext } from './methods';

export function methodExplanation(method: ExplanationMethod, model: VebiModel, input: Float32Array, context: MethodContext): { explanation: Explanation; summary: NonNullable<ExplanationReport['method']> } {
  const result = method.explain(model, input, {}, context);
  return {
    explanation: { classIndex: result.classIndex, probabilities: result.probabilities, features: [], combined: result.heatmap, absent: [], height: result.height, width: result.width },
    summary: { name: method.name, displayName: method.displayName, settings: result.settings },
  };
}
