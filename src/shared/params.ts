/** Parameters shared by the CLI, the extension settings and the report. */
import type { BackendName, ExplainParams, InterpretParams } from './schemas/params';

// The types come from the schemas that check the reports that record them.
export type { BackendName, LabelSource, Preprocessing, InterpretParams, ExplainParams } from './schemas/params';
export type BackendChoice = BackendName | 'auto';

export const DEFAULT_INTERPRET_PARAMS: InterpretParams = {
  mu: 10,
  topK: 16,
  labels: 'gt',
  batchSize: 64,
  preprocessing: { kind: 'unit' },
  l2Normalize: true,
};

/**
 * The explanation methods (`explain --method NAME`): VEBI and the baselines it is compared with
 * (method.md section 5). Every method gives one [0,1] map at the model's input size. Here, not
 * in the engine, so the CLI's help and the panel's picker read the same list.
 */
export const EXPLANATION_METHODS = [
  { name: 'vebi', displayName: 'VEBI', description: 'Guided backprop of the top relevant features of the interpretation (needs an interpretation).' },
  { name: 'upsampled-activations', displayName: 'Upsampled activations', description: "The same top features' activation maps, bilinearly upsampled to the input (needs an interpretation)." },
  { name: 'deconvnet', displayName: 'Deconvnet', description: 'The class score projected to the input with the deconvnet ReLU rule (Zeiler and Fergus 2014).' },
  { name: 'guided-backprop', displayName: 'Guided backprop', description: 'The class score projected to the input with guided ReLUs (Springenberg et al. 2015).' },
  { name: 'gradcam', displayName: 'Grad-CAM', description: 'Last conv map weighted by its spatially averaged class-score gradient (Selvaraju et al. 2017).' },
  { name: 'guided-gradcam', displayName: 'Guided Grad-CAM', description: 'Guided backprop times the upsampled Grad-CAM map.' },
  { name: 'gradcam-plus-plus', displayName: 'Grad-CAM++', description: 'Grad-CAM with higher-order pixel weights (Chattopadhyay et al. 2018).' },
  { name: 'guided-gradcam-plus-plus', displayName: 'Guided Grad-CAM++', description: 'Guided backprop times the upsampled Grad-CAM++ map.' },
  { name: 'gradient', displayName: 'Gradient', description: 'The plain gradient of the class score with respect to the input (Simonyan et al. 2014).' },
  { name: 'integrated-gradients', displayName: 'Integrated gradients', description: 'Input minus a black image, times the gradient averaged along the path between them (Sundararajan et al. 2017).' },
  { name: 'smoothgrad', displayName: 'SmoothGrad', description: 'The gradient averaged over noisy copies of the input (Smilkov et al. 2017).' },
] as const;

export type ExplanationMethodName = (typeof EXPLANATION_METHODS)[number]['name'];

export function isExplanationMethodName(name: string): name is ExplanationMethodName {
  return EXPLANATION_METHODS.some((m) => m.name === name);
}

export const DEFAULT_EXPLAIN_PARAMS: ExplainParams = { topFeatures: 3, stridedFix: true };
