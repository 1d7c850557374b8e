/** Parameters shared by the CLI, the extension settings and the report. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export type LabelSource = 'gt' | 'predicted';

/** How pixels are mapped before the model sees them. Pixels start as 0..255 per channel. */
export type Preprocessing =
  | { kind: 'unit' } // x / 255 -> [0, 1]
  | { kind: 'raw' } // x -> [0, 255]
  | { kind: 'symmetric' } // x / 127.5 - 1 -> [-1, 1]
  | { kind: 'meanstd'; mean: number[]; std: number[]; scale?: 'unit' | 'raw' }; // ((x / 255 or x) - mean) / std per channel

export interface InterpretParams {
  /** L1 budget of each class's weight vector. */
  mu: number;
  /** Images kept per relevant feature for its visualisation. */
  topK: number;
  labels: LabelSource;
  batchSize: number;
  preprocessing: Preprocessing;
  /** L2-normalise each feature vector after the per-layer L1 normalisation (method.md section 1). */
  l2Normalize: boolean;
  /** Only these feature layers provide features (default: every feature layer). */
  layers?: string[];
}

export const DEFAULT_INTERPRET_PARAMS: InterpretParams = {
  mu: 10,
  topK: 16,
  labels: 'gt',
  batchSize: 64,
  preprocessing: { kind: 'unit' },
  l2Normalize: true,
};

export interface ExplainParams {
  /** Features kept for one explanation (the paper's p). */
  topFeatures: number;
  /** The paper's fix for strided convolutions; false gives plain guided backprop. */
  stridedFix: boolean;
  /** One of EXPLANATION_METHODS' names; VEBI when absent. */
  method?: string;
}

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
