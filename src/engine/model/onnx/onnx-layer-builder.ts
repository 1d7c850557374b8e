/**
 * What the ONNX op converters share: the layer specs written so far, unique names, the shape
 * bookkeeping of values computed at run time, and refusals that name the node.
 */
import { VebiError } from '../../../shared/errors';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-ir';
import { LayerNames } from './onnx-layer-names';
import type { WeightArray } from './onnx-weights';
import { hasPadding, type Window } from './onnx-windows';

export type Json = Record<string, unknown>;

export interface LayerSpec {
  name: string;
  className: string;
  config: Json;
  /** Names of the layers whose outputs feed this one. */
  inbound: string[];
  /** In TF.js's weight order for the class. */
  weights: WeightArray[];
}

/** A value computed at run time: the output of a converted layer. */
export interface Runtime {
  kind: 'runtime';
  layer: string;
  /** ONNX shape without the batch axis: [C, H, W] for a feature map, [F] for a vector. */
  shape: number[];
  /** The TF.js tensor is NHWC 4-D; false for vectors and for global pools' [C, 1, 1] (a [N, C] tensor). */
  spatial: boolean;
  /** A flattened [C, H, W] map, in TF.js's (H, W, C) order: a following Dense reorders its rows. */
  chw?: number[];
  /** Every element >= 0 (after a ReLU): zero padding is then exact for max pooling. */
  nonNegative: boolean;
  /** The bias-less Dense a MatMul became, which a following Add of a constant completes. */
  biasless?: LayerSpec;
  /**
   * ONNX sees this map channels-last ([H, W, C] in `shape`), as around tf2onnx's Transposes: the
   * TF.js tensor is the same NHWC map, only the ONNX axes differ.
   */
  nhwc?: boolean;
}

export type Value = { kind: 'const'; tensor: OnnxTensor } | Runtime;

const SUPPORTED_LIST =
  'Conv, Relu, Clip(0, max), LeakyRelu, Sigmoid, HardSigmoid, HardSwish, BatchNormalization, Pad (zeros), MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean/ReduceMax over height and width, Gemm, MatMul, Flatten, Reshape to a vector, Add and Mul (of two computed values or with a number), Sub and Div by a number, Concat of channels, Transpose between channels-first and channels-last, Identity, Dropout, a final Softmax/LogSoftmax, and shape computations (Shape, Gather, Unsqueeze, Concat, Constant, Cast)';

/** One node being converted, with its inputs resolved. */
export class NodeContext {
  private layerName?: string;

  constructor(
    readonly node: OnnxNode,
    readonly index: number,
    readonly inputs: (Value | undefined)[],
    private readonly builder: LayerBuilder,
  ) {}

  get attributes(): OnnxNode['attributes'] {
    return this.node.attributes;
  }

  /** The constant at input i, when it is one. */
  constAt(i: number): OnnxTensor | undefined {
    const v = this.inputs[i];
    return v?.kind === 'const' ? v.tensor : undefined;
  }

  /** This node's layer name, taken on first use. */
  name(): string {
    this.layerName ??= this.builder.names.forNode(this.node.name, this.node.opType, this.index);
    return this.layerName;
  }

  refuse(why: string): VebiError {
    const { node, index } = this;
    const label = node.name ? `"${node.name}"` : `number ${index}`;
    return new VebiError(
      'MODEL_UNSUPPORTED',
      `${this.builder.graph.file}: node ${label} (${node.domain ? `${node.domain}.` : ''}${node.opType}) ${why}. VEBI converts ONNX classifiers made of: ${SUPPORTED_LIST}. Nothing in the model was run; re-export the model without this operation (or replace the module) to use it with VEBI.`,
      this.builder.graph.file,
    );
  }
}

export class LayerBuilder {
  readonly layers: LayerSpec[] = [];
  readonly names = new LayerNames();
  /** How many nodes read each value. */
  readonly uses = new Map<string, number>();

  constructor(
    readonly graph: OnnxGraph,
    readonly outputName: string,
  ) {
    for (const node of graph.nodes) for (const input of node.inputs) this.uses.set(input, (this.uses.get(input) ?? 0) + 1);
  }

  add(className: string, name: string, config: Json, inbound: string[], weights: WeightArray[] = []): string {
    this.layers.push({ name, className, config, inbound, weights });
    return name;
  }

  /** A helper layer of `owner`'s ("<owner>.pad", "<owner>.map"...). */
  helper(owner: string, suffix: string, className: string, config: Json, inbound: string[]): string {
    return this.add(className, this.names.unique(`${owner}.${suffix}`), config, inbound);
  }

  /** `x` as an NHWC feature map (a global pool's [C, 1, 1] output reshaped), or a refusal. */
  spatial(n: NodeContext, x: Runtime): Runtime {
    if (x.nhwc) throw n.refuse('works on a channels-last (NHWC) tensor; on one, only Transpose back to channels-first, Flatten, Reshape and activations are converted');
    if (x.spatial) return x;
    if (x.shape.length === 3) return this.asMap(x);
    throw n.refuse(`takes a [${x.shape.join(', ')}] input where a feature map [channels, height, width] is expected`);
  }

  /** A global pool's [N, C] output as a [N, 1, 1, C] map, for ops that combine it with maps. */
  asMap(v: Runtime): Runtime {
    const layer = this.helper(v.layer, 'map', 'Reshape', { target_shape: [1, 1, v.shape[0]] }, [v.layer]);
    return { ...v, layer, spatial: true, biasless: undefined };
  }

  /** Explicit pads a TF.js op cannot express become a ZeroPadding2D layer before it. */
  padded(x: Runtime, window: Window, name: string): string {
    return hasPadding(window) ? this.helper(name, 'pad', 'ZeroPadding2D', { padding: window.pads }, [x.layer]) : x.layer;
  }

  /** An elementwise layer on `x`: same shape and layout. */
  unary(x: Runtime, className: string, name: string, config: Json, nonNegative: boolean): Runtime {
    return { ...x, biasless: undefined, layer: this.add(className, name, config, [x.layer]), nonNegative };
  }
}

/** Converts one node whose first computed input is `x`. */
export type OpConverter = (b: LayerBuilder, n: NodeContext, x: Runtime) => Runtime;
