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
}

export const DEFAULT_EXPLAIN_PARAMS: ExplainParams = { topFeatures: 3, stridedFix: true };
