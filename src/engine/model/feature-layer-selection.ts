/**
 * Which layer outputs are features (method.md section 1): every intermediate output from the
 * first layer up to, but excluding, the final class-score layer and a trailing activation layer
 * (softmax). Layers that only move, drop or pad values add nothing new and are skipped.
 */
import type { LayerSummary } from '../../shared/report';

/** The minimum a selection needs to know about a step. */
export interface SelectionStep {
  name: string;
  className: string;
  outputShape: number[];
  inputs: number[];
}

const SKIP_REASONS: Record<string, string> = {
  InputLayer: 'input image: not a learned feature',
  Flatten: 'reshapes its input: adds no new feature',
  Reshape: 'reshapes its input: adds no new feature',
  Permute: 'reorders its input: adds no new feature',
  RepeatVector: 'repeats its input: adds no new feature',
  Dropout: 'identity at inference: adds no new feature',
  SpatialDropout1D: 'identity at inference: adds no new feature',
  SpatialDropout2D: 'identity at inference: adds no new feature',
  SpatialDropout3D: 'identity at inference: adds no new feature',
  GaussianNoise: 'identity at inference: adds no new feature',
  GaussianDropout: 'identity at inference: adds no new feature',
  AlphaDropout: 'identity at inference: adds no new feature',
  ZeroPadding2D: 'zero padding: the same channel energies as its input',
  Rescaling: 'input preprocessing: not a learned feature',
  Resizing: 'input preprocessing: not a learned feature',
  CenterCrop: 'input preprocessing: not a learned feature',
};

/** Trailing layers that only turn class scores into probabilities. */
function isScoreActivation(step: SelectionStep): boolean {
  return step.className === 'Softmax' || step.className === 'Activation';
}

export interface FeatureSelection {
  /** One summary per step (receptiveField left for the caller to fill). */
  summaries: LayerSummary[];
  featureLayers: string[];
  featureCount: number;
  /** The step that produces the class scores (before a trailing softmax layer). */
  scoreStep: number;
}

export function selectFeatureLayers(steps: SelectionStep[], outputStep: number): FeatureSelection {
  const reasons = new Map<number, string>();
  let scoreStep = outputStep;
  const out = steps[outputStep];
  if (isScoreActivation(out) && out.inputs.length === 1 && out.inputs[0] !== 0) {
    reasons.set(outputStep, 'turns the class scores into probabilities (final softmax)');
    scoreStep = out.inputs[0];
  }
  reasons.set(scoreStep, 'final class-score layer');

  const summaries: LayerSummary[] = [];
  const featureLayers: string[] = [];
  let offset = 0;
  steps.forEach((step, i) => {
    const summary: LayerSummary = { name: step.name, className: step.className, outputShape: [...step.outputShape], isFeature: false };
    const reason = reasons.get(i) ?? SKIP_REASONS[step.className];
    const channels = step.outputShape[step.outputShape.length - 1];
    if (reason !== undefined) {
      summary.skipReason = reason;
    } else if (!(channels > 0)) {
      summary.skipReason = 'output has no channels';
    } else {
      summary.isFeature = true;
      summary.featureOffset = offset;
      summary.channels = channels;
      offset += channels;
      featureLayers.push(step.name);
    }
    summaries.push(summary);
  });
  return { summaries, featureLayers, featureCount: offset, scoreStep };
}
