/**
 * VebiModel over a TF.js graph model (tensorflowjs_converter output). Feature layers are the
 * outputs of ReLU, convolution and pooling nodes; projections use tf.grad through
 * GraphModel.execute, which cannot swap backward rules: every rule gives the plain gradient, and
 * `backwardRules` says so.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import type { LayerSummary, ReceptiveField } from '../../shared/report';
import { effectiveKernel, padAmounts, type PaddingMode } from './conv-geometry';
import { propagateField, type FieldOp } from './receptive-field';
import { zeroChannels } from './ablation-mask';
import type { BackwardRules, ChannelAblation, ProjectionOptions, ScoreGradientOptions, VebiModel } from './types';

interface GraphNode {
  name: string;
  op: string;
  /** Data inputs (node names, output index and control inputs stripped). */
  inputs: string[];
  attr: Record<string, unknown>;
}

const CONV_OPS = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const POOL_OPS = new Set(['MaxPool', 'AvgPool']);
const RELU_OPS = new Set(['Relu', 'Relu6']);
const MATMUL_OPS = new Set(['MatMul', '_FusedMatMul']);
/** Ops between the class-score node and the output (bias, reshapes, the softmax). */
const TAIL_OPS = new Set(['Softmax', 'Sigmoid', 'Identity', 'Reshape', 'Squeeze', 'BiasAdd', 'Add', 'AddV2']);
const POINTWISE_OPS = new Set([
  'BiasAdd', 'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Identity', 'Cast', 'ClipByValue', 'Prelu',
  'FusedBatchNorm', 'FusedBatchNormV3', 'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum', 'Square', 'Sqrt', 'Rsqrt', 'Softmax',
]);
const MERGE_OPS = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'Maximum', 'Minimum', 'ConcatV2', 'Concat', 'AddN']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseNodes(topology: unknown, file: string): GraphNode[] {
  const list = isRecord(topology) && Array.isArray(topology.node) ? topology.node : [];
  return list.map((raw, i) => {
    if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.op !== 'string') {
      throw new VebiError('MODEL_CORRUPT', `Node ${i} of the graph in ${file} has no name or op; re-convert the model.`, file);
    }
    const inputs = (Array.isArray(raw.input) ? raw.input : [])
      .filter((s): s is string => typeof s === 'string' && !s.startsWith('^'))
      .map((s) => s.replace(/:\d+$/, ''));
    return { name: raw.name, op: raw.op, inputs, attr: isRecord(raw.attr) ? raw.attr : {} };
  });
}

function intList(node: GraphNode, key: string): number[] | undefined {
  const value = node.attr[key];
  if (!isRecord(value) || !isRecord(value.list) || !Array.isArray(value.list.i)) return undefined;
  return value.list.i.map((v) => Number(v));
}

function stringAttr(node: GraphNode, key: string): string | undefined {
  const value = node.attr[key];
  return isRecord(value) && typeof value.s === 'string' ? Buffer.from(value.s, 'base64').toString('utf8') : undefined;
}

/** Topological order of the nodes reachable backwards from `roots`. */
function topoOrder(byName: Map<string, GraphNode>, roots: string[]): GraphNode[] {
  const order: GraphNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: [string, boolean][] = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [name, expanded] = stack.pop() as [string, boolean];
    const node = byName.get(name);
    if (!node || state.get(name) === 'done') continue;
    if (expanded) {
      state.set(name, 'done');
      order.push(node);
      continue;
    }
    if (state.get(name) === 'visiting') continue; // a cycle (control flow): keep the first visit
    state.set(name, 'visiting');
    stack.push([name, true]);
    for (const input of [...node.inputs].reverse()) if (state.get(input) !== 'done') stack.push([input, false]);
  }
  return order;
}

interface FeatureNode {
  name: string;
  op: string;
  reason?: string;
}

export class GraphModelAdapter implements VebiModel {
  readonly format = 'tfjs-graph' as const;
  readonly backwardRules: BackwardRules = {
    guided: false,
    deconvnet: false,
    stridedFix: false,
    note: 'Graph models are projected with the plain gradient (tf.grad through GraphModel.execute): guided ReLU, deconvnet and the strided-convolution fix need a layers model.',
  };
  readonly layers: LayerSummary[];
  readonly featureLayers: string[];
  readonly featureCount: number;

  private readonly shapes: Map<string, number[]>;
  private readonly fields = new Map<string, ReceptiveField | undefined>();

  private constructor(
    private readonly model: tf.GraphModel,
    readonly path: string,
    readonly inputShape: [number, number, number],
    readonly numClasses: number,
    private readonly inputName: string,
    private readonly logitsNode: string,
    private readonly squash: 'softmax' | 'sigmoid' | 'none',
    nodes: GraphNode[],
    features: FeatureNode[],
    shapes: Map<string, number[]>,
  ) {
    this.shapes = shapes;
    this.computeFields(nodes);
    let offset = 0;
    this.layers = [{ name: inputName, className: 'Placeholder', outputShape: [...inputShape], isFeature: false, skipReason: 'input image: not a learned feature' }];
    this.featureLayers = [];
    for (const f of features) {
      const outputShape = shapes.get(f.name) ?? [];
      const channels = outputShape[outputShape.length - 1];
      const summary: LayerSummary = { name: f.name, className: f.op, outputShape, isFeature: f.reason === undefined };
      if (f.reason === undefined) {
        summary.featureOffset = offset;
        summary.channels = channels;
        offset += channels;
        this.featureLayers.push(f.name);
      } else {
        summary.skipReason = f.reason;
      }
      const field = this.fields.get(f.name);
      if (field) summary.receptiveField = field;
      this.layers.push(summary);
    }
    this.featureCount = offset;
  }

  static create(model: tf.GraphModel, file: string, topology: unknown): GraphModelAdapter {
    const nodes = parseNodes(topology, file);
    const byName = new Map(nodes.map((n) => [n.name, n]));
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new VebiError('MODEL_UNSUPPORTED', `The graph model in ${file} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; VEBI needs one image input and one class-score output.`, file);
    }
    const input = model.inputs[0];
    const inputName = input.name.replace(/:\d+$/, '');
    const shape = input.shape ?? [];
    if (shape.length !== 4 || shape.slice(1).some((d) => !(d > 0))) {
      throw new VebiError('MODEL_UNSUPPORTED', `The graph model's input "${input.name}" has shape ${JSON.stringify(shape)}; VEBI needs a fixed image size [batch, height, width, channels]. Re-convert the model with a fixed input size.`, file);
    }
    const inputShape = shape.slice(1) as [number, number, number];
    const outputName = model.outputs[0].name.replace(/:\d+$/, '');
    const order = topoOrder(byName, [outputName]);
    const consumers = new Map<string, GraphNode[]>();
    for (const n of order) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);

    // The class-score node: walk back from the output through bias / reshape / softmax.
    const tail = new Set<string>();
    let squash: 'softmax' | 'sigmoid' | 'none' = 'none';
    let logitsNode = outputName;
    let cursor = byName.get(outputName);
    while (cursor && TAIL_OPS.has(cursor.op)) {
      tail.add(cursor.name);
      if (cursor.op === 'Softmax' || cursor.op === 'Sigmoid') {
        squash = cursor.op === 'Softmax' ? 'softmax' : 'sigmoid';
        logitsNode = cursor.inputs[0];
      }
      const dataInputs = cursor.inputs.filter((i) => byName.get(i)?.op !== 'Const');
      cursor = dataInputs.length === 1 ? byName.get(dataInputs[0]) : undefined;
    }
    const scoreNode = cursor?.name;

    const features: FeatureNode[] = [];
    for (const n of order) {
      const weighted = CONV_OPS.has(n.op) || MATMUL_OPS.has(n.op);
      if (n.name === scoreNode || tail.has(n.name)) {
        if (n.name === scoreNode && weighted) features.push({ name: n.name, op: n.op, reason: 'final class-score layer' });
        continue;
      }
      if (RELU_OPS.has(n.op) || POOL_OPS.has(n.op) || (weighted && n.op.includes('Fused'))) {
        features.push({ name: n.name, op: n.op }); // fused ops carry their bias and activation
      } else if (weighted) {
        // A conv whose (bias-added) output only feeds a ReLU contributes the ReLU's output, as a
        // Keras conv with a fused activation does; otherwise its bias-added output is the feature.
        let end = n;
        let next = consumers.get(end.name) ?? [];
        while (next.length === 1 && next[0].op === 'BiasAdd' && next[0].name !== scoreNode && !tail.has(next[0].name)) {
          end = next[0];
          next = consumers.get(end.name) ?? [];
        }
        const reason = next.length === 1 && RELU_OPS.has(next[0].op) ? 'pre-activation of a conv + ReLU: the ReLU output is the feature' : undefined;
        features.push({ name: end.name, op: n.op, ...(reason ? { reason } : {}) });
      }
    }
    const probeNames = new Set<string>([...features.map((f) => f.name), logitsNode]);
    for (const n of order) if (CONV_OPS.has(n.op) || POOL_OPS.has(n.op) || n.op === 'Pad' || n.op === 'MirrorPad') n.inputs.forEach((i) => byName.get(i)?.op !== 'Const' && byName.get(i)?.op !== 'Placeholder' && probeNames.add(i));
    const shapes = new Map<string, number[]>();
    const names = [...probeNames];
    const probe = tf.tidy(() => {
      const outs = model.execute(tf.zeros([1, ...inputShape]), names);
      return (Array.isArray(outs) ? outs : [outs]).map((t) => t.shape.slice(1));
    });
    names.forEach((n, i) => shapes.set(n, probe[i]));
    shapes.set(inputName, [...inputShape]);
    const logitsShape = shapes.get(logitsNode) ?? [];
    const numClasses = logitsShape.reduce((a, b) => a * b, 1);
    return new GraphModelAdapter(model, file, inputShape, numClasses, inputName, logitsNode, squash, order, features, shapes);
  }

  private fieldOp(node: GraphNode): FieldOp {
    const data = node.inputs.filter((i) => !this.isConst(i));
    const outShape = this.shapes.get(node.name);
    if (node.op === 'Placeholder') return { kind: 'input' };
    if (CONV_OPS.has(node.op) || POOL_OPS.has(node.op)) {
      const inShape = this.shapes.get(data[0]);
      const strides = intList(node, 'strides') ?? [1, 1, 1, 1];
      const dilations = intList(node, 'dilations') ?? [1, 1, 1, 1];
      let kernel: [number, number];
      if (POOL_OPS.has(node.op)) {
        const k = intList(node, 'ksize') ?? [1, 1, 1, 1];
        kernel = [k[1], k[2]];
      } else {
        const filter = this.model.weights[node.inputs[1]]?.[0];
        if (!filter) return { kind: 'unknown' };
        const [kh, kw] = filter.shape as number[];
        kernel = [kh, kw];
      }
      const padding = (stringAttr(node, 'padding') ?? 'VALID').toLowerCase();
      if (!inShape || inShape.length !== 3) return { kind: 'unknown' };
      let padBefore: [number, number];
      if (padding === 'explicit') {
        const explicit = intList(node, 'explicit_paddings') ?? [];
        padBefore = [explicit[2] ?? 0, explicit[4] ?? 0];
      } else {
        const mode: PaddingMode = padding === 'same' ? 'same' : 'valid';
        padBefore = [0, 1].map((i) => padAmounts(inShape[i], effectiveKernel(kernel[i], dilations[i + 1]), strides[i + 1], mode)[0]) as [number, number];
      }
      return { kind: 'window', kernel, stride: [strides[1], strides[2]], dilation: [dilations[1], dilations[2]], padBefore };
    }
    if ((node.op === 'Pad' || node.op === 'PadV2' || node.op === 'MirrorPad') && node.inputs[1]) {
      const pads = this.model.weights[node.inputs[1]]?.[0];
      if (!pads) return { kind: 'unknown' };
      const values = pads.arraySync() as number[][];
      return { kind: 'shift', units: [-values[1][0], -values[2][0]] };
    }
    if (outShape && outShape.length !== 3) return { kind: 'whole' };
    if (MERGE_OPS.has(node.op) && data.length > 1) return { kind: 'merge' };
    if (POINTWISE_OPS.has(node.op) || node.op.startsWith('_Fused') || node.op.startsWith('Fused')) return { kind: 'pointwise' };
    if (node.op === 'Mean' || node.op === 'Max' || MATMUL_OPS.has(node.op)) return { kind: 'whole' };
    return { kind: 'unknown' };
  }

  private isConst(name: string): boolean {
    return this.model.weights[name] !== undefined;
  }

  private computeFields(order: GraphNode[]): void {
    const image: [number, number] = [this.inputShape[0], this.inputShape[1]];
    for (const node of order) {
      if (this.isConst(node.name)) continue;
      const inputs = node.inputs.filter((i) => !this.isConst(i)).map((i) => this.fields.get(i));
      this.fields.set(node.name, propagateField(this.fieldOp(node), inputs, image));
    }
  }

  private check(x: tf.Tensor4D, layers: string[]): void {
    const [, h, w, c] = x.shape;
    const [eh, ew, ec] = this.inputShape;
    if (x.rank !== 4 || h !== eh || w !== ew || c !== ec) {
      throw new VebiError('BAD_ARGUMENT', `The model takes images of shape [batch, ${eh}, ${ew}, ${ec}], got [${x.shape.join(', ')}]. Resize the images to the model's input size.`, this.path);
    }
    for (const name of layers) {
      if (!this.shapes.has(name)) throw new VebiError('BAD_ARGUMENT', `The graph model has no feature node "${name}". Its feature nodes are: ${this.featureLayers.join(', ')}.`, this.path);
    }
  }

  forward(x: tf.Tensor4D, layerNames: string[], ablate?: ChannelAblation): { outputs: tf.Tensor[]; logits: tf.Tensor2D; probs: tf.Tensor2D } {
    this.check(x, layerNames);
    const ablated = this.ablationOrder(ablate);
    return tf.tidy(() => {
      // An ablated node is computed, masked, then fed back in: execute() takes any node as an input
      // and treats it as given, so everything after it sees the zeroed channels.
      const feeds: tf.NamedTensorMap = { [this.inputName]: x };
      for (const name of ablated) {
        const out = this.model.execute(feeds, name) as tf.Tensor;
        feeds[name] = zeroChannels(out, ablate?.get(name), name, this.path);
      }
      const outs = this.model.execute(feeds, [...layerNames, this.logitsNode]);
      const list = Array.isArray(outs) ? outs : [outs];
      const logits = (list[list.length - 1] as tf.Tensor).reshape([x.shape[0], this.numClasses]) as tf.Tensor2D;
      const probs = this.squash === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
      // execute() returns the same tensor twice when a name is asked twice: hand out copies.
      return { outputs: list.slice(0, -1).map((t) => t.clone()), logits, probs };
    });
  }

  /** Ablated node names in execution order (the layer list is topological); checks each is known. */
  private ablationOrder(ablate: ChannelAblation | undefined): string[] {
    const names = [...(ablate?.keys() ?? [])].filter((name) => (ablate?.get(name)?.length ?? 0) > 0);
    const position = (name: string) => {
      const i = this.layers.findIndex((l) => l.name === name);
      if (i < 0 || name === this.logitsNode) throw new VebiError('BAD_ARGUMENT', `Cannot ablate "${name}": the graph model's ablatable nodes are ${this.layers.map((l) => l.name).join(', ')}.`, this.path);
      return i;
    };
    const rank = new Map(names.map((name) => [name, position(name)]));
    return names.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
  }

  project(x: tf.Tensor4D, layer: string, seed: tf.Tensor, _options: ProjectionOptions): tf.Tensor4D {
    this.check(x, [layer]);
    if (layer === this.inputName) return seed.clone() as tf.Tensor4D;
    const expected = [x.shape[0], ...(this.shapes.get(layer) ?? [])];
    if (seed.rank !== expected.length || seed.shape.some((d, i) => d !== expected[i])) {
      throw new VebiError('BAD_ARGUMENT', `The seed for node "${layer}" must have shape [${expected.join(', ')}], got [${seed.shape.join(', ')}].`, this.path);
    }
    return tf.tidy(() => tf.grad((z: tf.Tensor) => this.model.execute({ [this.inputName]: z }, layer) as tf.Tensor)(x, seed) as tf.Tensor4D);
  }

  scoreGradient(x: tf.Tensor4D, seed: tf.Tensor2D, options: ScoreGradientOptions = {}): { activation: tf.Tensor; gradient: tf.Tensor } {
    const layer = options.layer === this.inputName ? undefined : options.layer;
    this.check(x, layer === undefined ? [] : [layer]);
    const batch = x.shape[0];
    if (seed.rank !== 2 || seed.shape[0] !== batch || seed.shape[1] !== this.numClasses) {
      throw new VebiError('BAD_ARGUMENT', `The class-score seed must have shape [${batch}, ${this.numClasses}] (batch, classes), got [${seed.shape.join(', ')}].`, this.path);
    }
    const logits = (feeds: tf.NamedTensorMap) => (this.model.execute(feeds, this.logitsNode) as tf.Tensor).reshape([batch, this.numClasses]);
    return tf.tidy(() => {
      if (layer === undefined) return { activation: x.clone(), gradient: tf.grad((z: tf.Tensor) => logits({ [this.inputName]: z }))(x, seed) };
      // execute() takes any node as an input and treats it as given: feed the layer's output back in.
      const activation = this.model.execute({ [this.inputName]: x }, layer) as tf.Tensor;
      return { activation, gradient: tf.grad((a: tf.Tensor) => logits({ [this.inputName]: x, [layer]: a }))(activation, seed) };
    });
  }

  receptiveField(layer: string): ReceptiveField | undefined {
    if (!this.shapes.has(layer)) throw new VebiError('BAD_ARGUMENT', `The graph model has no feature node "${layer}".`, this.path);
    const field = this.fields.get(layer);
    return field && { size: [...field.size], jump: [...field.jump], offset: [...field.offset] };
  }

  randomizableLayers(): string[] {
    return [];
  }

  /** A graph model's weights are constants folded into its ops: no per-layer re-initialisation. */
  withRandomizedLayers(): Promise<VebiModel> {
    return Promise.reject(
      new VebiError('MODEL_UNSUPPORTED', `${this.path} is a TF.js graph model: its weights cannot be re-initialised layer by layer. Run the sanity checks on the Keras or TF.js layers model it was converted from.`, this.path),
    );
  }

  dispose(): void {
    this.model.dispose();
  }
}
