/**
 * Converts an ONNX classifier graph (NCHW) into a TF.js layers topology (NHWC) plus its weights in
 * TF.js layout, so that the converted model runs through LayerGraphModel like any Keras model and
 * every part of the method (features, backward rules, receptive fields, ablation) works on it.
 * Pure data: nothing is built or run here, and anything outside the supported subset is refused
 * naming the node, before a tensor exists. The ops themselves are in onnx-*-ops.ts.
 */
import { VebiError } from '../../../shared/errors';
import { FOLDABLE_OPS, foldNode } from './fold-shapes';
import { ELEMENTWISE_OPS } from './onnx-elementwise-ops';
import type { OnnxGraph, OnnxNode } from './onnx-ir';
import { LayerBuilder, NodeContext, type Json, type LayerSpec, type OpConverter, type Runtime, type Value } from './onnx-layer-builder';
import { VECTOR_OPS } from './onnx-vector-ops';
import { WINDOW_OPS } from './onnx-window-ops';

export type { LayerSpec } from './onnx-layer-builder';

export interface ConvertedOnnx {
  /** For tf.models.modelFromJSON. */
  topology: Json;
  layers: LayerSpec[];
}

const OPS: Record<string, OpConverter> = { ...WINDOW_OPS, ...VECTOR_OPS, ...ELEMENTWISE_OPS };

/** Ops that do not care whether ONNX sees a map channels-first or channels-last. */
const CHANNELS_LAST_OPS = new Set(['Transpose', 'Flatten', 'Reshape', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid']);

/** Elementwise ops whose constant operand may come first. */
const ARITHMETIC = new Set(['Add', 'Sub', 'Mul', 'Div']);

class OnnxConverter {
  private readonly values = new Map<string, Value>();
  private readonly builder: LayerBuilder;

  constructor(private readonly graph: OnnxGraph) {
    if (graph.outputs.length !== 1) throw this.modelError(`has ${graph.outputs.length} outputs; VEBI explains a classifier with one output, the class scores. Export the model with a single output`);
    this.builder = new LayerBuilder(graph, graph.outputs[0].name);
  }

  private modelError(why: string): VebiError {
    return new VebiError('MODEL_UNSUPPORTED', `${this.graph.file} ${why}; nothing in the model was run.`, this.graph.file);
  }

  convert(): ConvertedOnnx {
    const inputLayer = this.input();
    this.graph.nodes.forEach((node, i) => this.node(node, i));
    const outputName = this.builder.outputName;
    const out = this.values.get(outputName);
    if (!out || out.kind !== 'runtime' || (out.shape.length !== 1 && !(out.shape.length === 3 && !out.spatial))) {
      throw this.modelError(`has the output "${outputName}", which is not a vector of class scores ([batch, classes]) computed from the image. Export the classifier up to its class scores (logits)`);
    }
    const layers = this.builder.layers.map((l) => ({
      class_name: l.className,
      name: l.name,
      config: { ...l.config, name: l.name },
      inbound_nodes: l.inbound.length === 0 ? [] : [l.inbound.map((n) => [n, 0, 0, {}])],
    }));
    const topology = { class_name: 'Functional', config: { name: 'onnx_model', layers, input_layers: [[inputLayer, 0, 0]], output_layers: [[out.layer, 0, 0]] } };
    return { topology, layers: this.builder.layers };
  }

  private input(): string {
    const inputs = this.graph.inputs;
    if (inputs.length !== 1) {
      throw this.modelError(`has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); VEBI explains image classifiers with one image input. Export a module that takes only the image (fix the other inputs inside it)`);
    }
    const [info] = inputs;
    const shape = info.shape;
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => d === undefined)) {
      throw this.modelError(`has the input "${info.name}" of shape [${(shape ?? []).map((d) => d ?? '?').join(', ')}]; VEBI needs an image input [batch, channels, height, width] with fixed channels, height and width. Export with a fixed image size (dynamic_axes only on the batch axis)`);
    }
    // A channels-last image (tf2onnx, keras2onnx) is read only through Transposes to channels-first.
    const readers = this.graph.nodes.filter((node) => node.inputs.includes(info.name));
    const nhwc = readers.length > 0 && readers.every((node) => node.opType === 'Transpose' && Array.isArray(node.attributes.perm) && node.attributes.perm.join() === '0,3,1,2');
    const [, a, b, d] = shape as number[];
    const [c, h, w] = nhwc ? [d, a, b] : [a, b, d];
    const name = this.builder.add('InputLayer', this.builder.names.unique(info.name || 'input'), { batch_input_shape: [null, h, w, c], dtype: 'float32', sparse: false }, []);
    this.values.set(info.name, { kind: 'runtime', layer: name, shape: nhwc ? [h, w, c] : [c, h, w], spatial: true, nonNegative: false, nhwc });
    return name;
  }

  private value(name: string, node: OnnxNode, index: number): Value | undefined {
    if (name === '') return undefined;
    const known = this.values.get(name);
    if (known) return known;
    const init = this.graph.initializers.get(name);
    if (init) return { kind: 'const', tensor: init };
    throw new VebiError('MODEL_CORRUPT', `${this.graph.file}: node "${node.name || index}" (${node.opType}) reads "${name}", which no earlier node computes; the graph is damaged or not in topological order. Export the model again.`, this.graph.file);
  }

  private node(node: OnnxNode, index: number): void {
    const inputs = node.inputs.map((n) => this.value(n, node, index));
    const n = new NodeContext(node, index, inputs, this.builder);
    if (node.domain !== '') throw n.refuse(`belongs to the operator domain "${node.domain}", not standard ONNX`);
    if (FOLDABLE_OPS.has(node.opType)) {
      const first = inputs[0]?.kind === 'runtime' ? inputs[0].shape : undefined;
      const folded = foldNode(node, inputs.map((_, i) => n.constAt(i)), first, this.graph.opset);
      if (folded) return void this.values.set(node.outputs[0], { kind: 'const', tensor: folded });
    }
    if (node.opType === 'Identity' || node.opType === 'Dropout') {
      if (inputs[0]) this.values.set(node.outputs[0], inputs[0]);
      return;
    }
    const runtime = inputs.filter((v): v is Runtime => v?.kind === 'runtime');
    if (runtime.length === 0) throw n.refuse('computes on constants in a way VEBI does not fold');
    if (runtime.some((v) => v.nhwc) && !CHANNELS_LAST_OPS.has(node.opType)) {
      throw n.refuse('works on a channels-last (NHWC) tensor; on one, only Transpose back to channels-first, Flatten, Reshape and activations are converted');
    }
    const x = ARITHMETIC.has(node.opType) ? runtime[0] : inputs[0];
    if (!x || x.kind !== 'runtime') throw n.refuse('takes a constant as its first input');
    const convert = OPS[node.opType];
    if (!convert) throw n.refuse('is an operation VEBI does not convert');
    this.values.set(node.outputs[0], convert(this.builder, n, x));
  }
}

/** The TF.js topology and weights of an ONNX classifier graph; throws MODEL_UNSUPPORTED naming the first node it cannot convert. */
export function onnxToLayers(graph: OnnxGraph): ConvertedOnnx {
  return new OnnxConverter(graph).convert();
}
