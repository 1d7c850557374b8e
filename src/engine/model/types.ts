/**
 * The engine's view of a classifier: a layer graph it can run layer by layer, so that it can read
 * any internal output and project any internal signal back to the input with modified gradients.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerSummary, ReceptiveField } from '../../shared/report';

export type ModelFormat = 'tfjs-layers' | 'tfjs-graph' | 'keras' | 'onnx';

/** How signals are propagated back to the input (method.md section 4, step 3). */
export interface ProjectionOptions {
  /** guided: g_in = g_out*[x>0]*[g_out>0] at ReLUs; deconvnet: g_in = [g_out>0]*g_out; gradient: plain. */
  rule: 'guided' | 'deconvnet' | 'gradient';
  /** Nearest-neighbour resize + stride-1 transposed conv for strided convolutions (method.md 4.4). */
  stridedFix: boolean;
}

/** Where `scoreGradient` stops and which backward rules it uses on the way (default: plain gradient). */
export interface ScoreGradientOptions extends Partial<ProjectionOptions> {
  /** Layer whose output the gradient is taken at; the input image when undefined. */
  layer?: string;
}

/** Which projection options a model honours; a model without `backwardRules` honours them all. */
export interface BackwardRules {
  guided: boolean;
  deconvnet: boolean;
  stridedFix: boolean;
  /** What happens instead, for the user (e.g. graph models: plain gradient only). */
  note?: string;
}

/**
 * Channels to zero, by layer name: the layer's output is multiplied by a 0/1 channel mask right
 * after the layer runs, so every later layer sees the ablated output (feature ablation, method.md 5).
 */
export type ChannelAblation = ReadonlyMap<string, readonly number[]>;

export interface VebiModel {
  readonly path: string;
  readonly format: ModelFormat;
  /** [H, W, C] of one input image. */
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  /** Every layer in topological order, including skipped ones, with why they are skipped. */
  readonly layers: LayerSummary[];
  /** Names of the feature layers, in feature-vector order. */
  readonly featureLayers: string[];
  /** Total number of features m (sum of the feature layers' channels). */
  readonly featureCount: number;
  /** Set when some ProjectionOptions cannot be honoured (they then fall back to the plain gradient). */
  readonly backwardRules?: BackwardRules;

  /**
   * Runs the model on a batch [B, H, W, C] (already preprocessed) and returns the requested
   * layer outputs (in the order asked), the class logits (pre-softmax scores, or log of the
   * probabilities when the model only exposes probabilities) and the probabilities.
   * The caller owns and disposes every returned tensor. With `ablate`, the named layers' channels
   * are zeroed as they run (requested outputs of those layers are the ablated ones).
   */
  forward(x: tf.Tensor4D, layerNames: string[], ablate?: ChannelAblation): { outputs: tf.Tensor[]; logits: tf.Tensor2D; probs: tf.Tensor2D };

  /**
   * Projects a signal seeded at a layer's output back to the input: returns J^T seed, where J is
   * the Jacobian of `layer`'s output w.r.t. the input, with the backward rules of `options`.
   * `seed` has the layer's output shape with the batch axis of `x`; each batch element is
   * projected independently. Returns [B, H, W, C]; the caller disposes it.
   */
  project(x: tf.Tensor4D, layer: string, seed: tf.Tensor, options: ProjectionOptions): tf.Tensor4D;

  /**
   * Gradient of the class scores weighted by `seed` [B, numClasses] (sum of seed * logits; a
   * one-hot seed picks one class's logit) with respect to the output of `options.layer`, or of the
   * input image when no layer is given, through the layers above it with `options`' backward rules
   * (default: the plain gradient). Returns that output and its gradient, both [B, ...the layer's
   * output shape]; the caller disposes both. Grad-CAM reads both at a conv layer; the gradient
   * baselines read the gradient at the input.
   */
  scoreGradient(x: tf.Tensor4D, seed: tf.Tensor2D, options?: ScoreGradientOptions): { activation: tf.Tensor; gradient: tf.Tensor };

  /**
   * Receptive field of one unit of a layer, exact through the stack (bounding box of the input
   * pixels a unit depends on). Units of vector layers (Dense, global pooling, Flatten) see the
   * whole image: size [H, W] with jump [0, 0]. Undefined where the geometry cannot be expressed
   * (after UpSampling2D / Conv2DTranspose / unknown layers).
   */
  receptiveField(layer: string): ReceptiveField | undefined;

  /** Layers with a kernel (conv, dense...), input to output: what `withRandomizedLayers` takes. Empty when unsupported. */
  randomizableLayers(): string[];

  /**
   * A copy of the model with the named layers re-initialised from `seed` (kernels Glorot normal,
   * biases zero; the sanity checks' cascading randomisation). The original is untouched; the
   * caller disposes the copy. Graph models refuse (MODEL_UNSUPPORTED).
   */
  withRandomizedLayers(layerNames: string[], seed: number): Promise<VebiModel>;

  dispose(): void;
}
