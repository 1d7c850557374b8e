/**
 * Flattens a tf.LayersModel (Sequential or Functional, models nested inside models included) into
 * a list of steps in topological order, so the engine can run it layer by layer itself.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';

type TfNode = tf.layers.Layer['inboundNodes'][number];

export interface PlanStep {
  /** Unique name: the layer name, prefixed 'outer/' for layers of nested models. */
  name: string;
  className: string;
  /** Undefined for the input step. */
  layer?: tf.layers.Layer;
  /** Indices of the steps whose outputs feed this one, in call order. */
  inputs: number[];
  /** Output shape without the batch axis. */
  outputShape: number[];
}

export interface LayerPlan {
  /** Step 0 is the input image. */
  steps: PlanStep[];
  /** Index of the step producing the model's output. */
  outputStep: number;
  inputShape: [number, number, number];
}

interface Scope {
  prefix: string;
  /** Symbolic tensors already bound to a step (a nested model's inputs). */
  bound: Map<tf.SymbolicTensor, number>;
  /** Layer -> [node index used, step index]: a layer may appear only once per scope. */
  seen: Map<tf.layers.Layer, [number, number]>;
  /** Nested model -> [node index used, its scope]. */
  nested: Map<tf.LayersModel, [number, Scope]>;
}

function shapeWithoutBatch(shape: (number | null)[], layerName: string, file: string): number[] {
  const rest = shape.slice(1);
  if (rest.some((d) => d === null)) {
    throw new VebiError('MODEL_UNSUPPORTED', `Layer "${layerName}" has an output of unknown size ${JSON.stringify(shape)}. Give the model a fixed input size (e.g. inputShape [224, 224, 3]).`, file);
  }
  return rest as number[];
}

class PlanBuilder {
  readonly steps: PlanStep[] = [];

  constructor(private readonly file: string) {}

  shared(name: string): VebiError {
    return new VebiError(
      'LAYER_UNSUPPORTED',
      `Layer "${name}" is applied more than once (a shared layer). VEBI needs one output per layer to define its features; give each use its own layer.`,
      this.file,
    );
  }

  resolve(st: tf.SymbolicTensor, scope: Scope): number {
    const bound = scope.bound.get(st);
    if (bound !== undefined) return bound;
    const layer = st.sourceLayer;
    const node: TfNode | undefined = layer.inboundNodes[st.nodeIndex];
    if (node === undefined || layer.getClassName() === 'InputLayer') {
      throw new VebiError('MODEL_UNSUPPORTED', `The model reads an input "${st.name}" that is not its image input. VEBI supports models with a single image input.`, this.file);
    }
    if (layer instanceof tf.LayersModel) return this.resolveNested(layer, node, st, scope);

    const name = scope.prefix + layer.name;
    const seen = scope.seen.get(layer);
    if (seen) {
      if (seen[0] !== st.nodeIndex) throw this.shared(name);
      return seen[1];
    }
    if (node.outputTensors.length !== 1) {
      throw new VebiError('LAYER_UNSUPPORTED', `Layer "${name}" (${layer.getClassName()}) has ${node.outputTensors.length} outputs; VEBI supports layers with one output.`, this.file);
    }
    const inputs = node.inputTensors.map((t) => this.resolve(t, scope));
    const index = this.steps.length;
    this.steps.push({ name, className: layer.getClassName(), layer, inputs, outputShape: shapeWithoutBatch(st.shape, name, this.file) });
    scope.seen.set(layer, [st.nodeIndex, index]);
    return index;
  }

  private resolveNested(model: tf.LayersModel, node: TfNode, st: tf.SymbolicTensor, scope: Scope): number {
    const known = scope.nested.get(model);
    if (known && known[0] !== st.nodeIndex) throw this.shared(scope.prefix + model.name);
    let inner = known?.[1];
    if (!inner) {
      const outer = node.inputTensors.map((t) => this.resolve(t, scope));
      const bound = new Map<tf.SymbolicTensor, number>();
      model.inputs.forEach((input, i) => bound.set(input, outer[i]));
      inner = { prefix: `${scope.prefix}${model.name}/`, bound, seen: new Map(), nested: new Map() };
      scope.nested.set(model, [st.nodeIndex, inner]);
    }
    return this.resolve(model.outputs[st.tensorIndex], inner);
  }
}

/** Position of each (possibly nested) layer in Keras's own listing, to order the steps naturally. */
function naturalRanks(model: tf.LayersModel, prefix = '', ranks = new Map<string, number>()): Map<string, number> {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) naturalRanks(layer, `${prefix}${layer.name}/`, ranks);
    else ranks.set(prefix + layer.name, ranks.size);
  }
  return ranks;
}

/** Kahn's algorithm, preferring Keras's listing order among the steps that are ready. */
function reorder(steps: PlanStep[], output: number, ranks: Map<string, number>): { steps: PlanStep[]; output: number } {
  const rank = (i: number): number => (i === 0 ? -1 : (ranks.get(steps[i].name) ?? ranks.size + i));
  const pending = steps.map((s) => new Set(s.inputs).size);
  const consumers = steps.map(() => [] as number[]);
  steps.forEach((s, i) => new Set(s.inputs).forEach((j) => consumers[j].push(i)));
  const ready = [0];
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const next = ready.shift() as number;
    order.push(next);
    for (const c of consumers[next]) if (--pending[c] === 0) ready.push(c);
  }
  const newIndex = new Map(order.map((old, i) => [old, i]));
  const remapped = order.map((old) => ({ ...steps[old], inputs: steps[old].inputs.map((j) => newIndex.get(j) as number) }));
  return { steps: remapped, output: newIndex.get(output) as number };
}

export function buildLayerPlan(model: tf.LayersModel, file: string): LayerPlan {
  if (model.inputs.length !== 1) {
    throw new VebiError('MODEL_UNSUPPORTED', `The model has ${model.inputs.length} inputs; VEBI supports classifiers with a single image input.`, file);
  }
  if (model.outputs.length !== 1) {
    throw new VebiError('MODEL_UNSUPPORTED', `The model has ${model.outputs.length} outputs; VEBI supports classifiers with a single class-score output.`, file);
  }
  const input = model.inputs[0];
  const shape = input.shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new VebiError(
      'MODEL_UNSUPPORTED',
      `The model's input has shape ${JSON.stringify(shape)}; VEBI needs an image input [batch, height, width, channels] of fixed size. Models on flattened pixels need a Reshape first.`,
      file,
    );
  }
  const builder = new PlanBuilder(file);
  builder.steps.push({ name: input.sourceLayer.name, className: 'InputLayer', inputs: [], outputShape: shape.slice(1) as number[] });
  const top: Scope = { prefix: '', bound: new Map([[input, 0]]), seen: new Map(), nested: new Map() };
  const out = builder.resolve(model.outputs[0], top);
  if (out === 0) throw new VebiError('MODEL_UNSUPPORTED', 'The model returns its input unchanged; there is no classifier to explain.', file);
  const { steps, output } = reorder(builder.steps, out, naturalRanks(model));
  const names = new Set<string>();
  for (const step of steps) {
    if (names.has(step.name)) throw new VebiError('MODEL_UNSUPPORTED', `Two layers are both called "${step.name}"; rename one of them and re-export the model.`, file);
    names.add(step.name);
    if (step.layer?.getConfig().dataFormat === 'channelsFirst') {
      throw new VebiError('MODEL_UNSUPPORTED', `Layer "${step.name}" uses channels_first data; VEBI supports channels_last (height, width, channels) models.`, file);
    }
  }
  return { steps, outputStep: output, inputShape: shape.slice(1) as [number, number, number] };
}
