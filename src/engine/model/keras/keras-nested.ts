/**
 * Flattens models nested inside a Keras model (a pretrained base used as a layer, a Sequential
 * block inside a Functional model) into one Functional graph of plain layers, so that every inner
 * layer is a layer the engine can read features from and project through. Works on the
 * Keras-2-style topology the converter produces (inbound nodes as [layer, node, tensor, kwargs]).
 * A nested model called more than once (shared weights) is refused: flattening would duplicate it.
 * Layer objects are rewired in place, so the converter can still tell which layer is which.
 */
import { VebiError } from '../../../shared/errors';

type Json = Record<string, unknown>;
type TensorRef = [string, number, number, Json];

const MODEL_CLASSES = new Set(['Functional', 'Sequential', 'Model']);

export function isModelLayer(layer: Json): boolean {
  return typeof layer.class_name === 'string' && MODEL_CLASSES.has(layer.class_name);
}

interface Graph {
  name: string;
  layers: Json[];
  /** Names of the graph's input layers, in call order. */
  inputs: string[];
  outputs: TensorRef[];
}

export interface FlattenHooks {
  file: string;
  /** Called when an inner layer is renamed because an outer layer already has its name. */
  renamed(layer: Json, name: string): void;
}

function configOf(layer: Json): Json {
  return (layer.config ?? {}) as Json;
}

function nameOf(layer: Json): string {
  return String(configOf(layer).name ?? layer.name ?? '?');
}

function refs(value: unknown): TensorRef[] {
  if (!Array.isArray(value)) return [];
  const list = value.length > 0 && typeof value[0] === 'string' ? [value] : value;
  return list.map((r) => [String(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0), (r[3] ?? {}) as Json]);
}

function nodesOf(layer: Json): TensorRef[][] {
  return Array.isArray(layer.inbound_nodes) ? (layer.inbound_nodes as unknown[]).map(refs) : [];
}

/** A Sequential (converted: the input shape sits on its first layer) as a chain of layers. */
function sequentialGraph(model: Json, nested: boolean): Graph {
  const config = configOf(model);
  const name = String(config.name ?? 'sequential');
  const layers = (config.layers ?? []) as Json[];
  const input = `${name}_input`;
  const out: Json[] = [];
  if (!nested) {
    out.push({ class_name: 'InputLayer', name: input, inbound_nodes: [], config: { name: input, batch_input_shape: layers[0] ? inputShapeOf(layers[0]) : undefined, dtype: 'float32', sparse: false } });
  }
  if (layers[0]) delete configOf(layers[0]).batch_input_shape;
  let previous = input;
  for (const layer of layers) {
    layer.name = nameOf(layer);
    layer.inbound_nodes = [[[previous, 0, 0, {}]]];
    previous = nameOf(layer);
    out.push(layer);
  }
  return { name, layers: out, inputs: [input], outputs: [[previous, 0, 0, {}]] };
}

/** The batch input shape a (converted) layer or nested model declares, if any. */
function inputShapeOf(layer: Json): unknown {
  const config = configOf(layer);
  if (config.batch_input_shape !== undefined || !isModelLayer(layer)) return config.batch_input_shape;
  const inner = (config.layers ?? []) as Json[];
  const input = layer.class_name === 'Sequential' ? inner[0] : inner.find((l) => l.class_name === 'InputLayer');
  return input ? inputShapeOf(input) : undefined;
}

function functionalGraph(model: Json): Graph {
  const config = configOf(model);
  return {
    name: String(config.name ?? 'model'),
    layers: [...((config.layers ?? []) as Json[])],
    inputs: refs(config.input_layers).map((r) => r[0]),
    outputs: refs(config.output_layers),
  };
}

function graphOf(model: Json, nested: boolean): Graph {
  return model.class_name === 'Sequential' ? sequentialGraph(model, nested) : functionalGraph(model);
}

function unsupported(hooks: FlattenHooks, name: string, className: string, why: string): VebiError {
  return new VebiError('LAYER_UNSUPPORTED', `${hooks.file}: layer "${name}" (${className}) ${why}`, hooks.file);
}

/** The graph with every nested model replaced by its inner layers, wired to the outer tensors. */
function flatten(graph: Graph, hooks: FlattenHooks): Graph {
  const taken = new Set(graph.layers.filter((l) => !isModelLayer(l)).map(nameOf));
  // A nested model's outputs, by the model's name: what outer references to it now point at.
  const aliases = new Map<string, TensorRef[]>();
  const resolve = (ref: TensorRef): TensorRef => {
    const outputs = aliases.get(ref[0]);
    if (!outputs) return ref;
    const target = outputs[ref[2]];
    if (!target) throw new VebiError('MODEL_CORRUPT', `${hooks.file}: a layer uses output ${ref[2]} of the nested model "${ref[0]}", which has ${outputs.length}. Save the model again.`, hooks.file);
    return [target[0], target[1], target[2], ref[3]];
  };
  const layers: Json[] = [];
  for (const layer of graph.layers) {
    const nodes = nodesOf(layer).map((node) => node.map(resolve));
    if (!isModelLayer(layer)) {
      layer.inbound_nodes = nodes;
      layers.push(layer);
      continue;
    }
    const name = nameOf(layer);
    if (nodes.length !== 1) {
      throw unsupported(hooks, name, String(layer.class_name), `is a nested model used ${nodes.length} times in the model (shared weights), which VEBI cannot flatten. Use it once, or save the inner model on its own.`);
    }
    const inner = flatten(graphOf(layer, true), hooks);
    if (inner.inputs.length !== nodes[0].length) {
      throw new VebiError('MODEL_CORRUPT', `${hooks.file}: the nested model "${name}" takes ${inner.inputs.length} inputs but is called with ${nodes[0].length}. Save the model again.`, hooks.file);
    }
    const feeds = new Map(inner.inputs.map((input, i) => [input, nodes[0][i]]));
    const renames = new Map<string, string>();
    for (const innerLayer of inner.layers) {
      const innerName = nameOf(innerLayer);
      if (feeds.has(innerName) || !taken.has(innerName)) continue;
      let fresh = `${name}_${innerName}`;
      for (let i = 1; taken.has(fresh); i++) fresh = `${name}_${innerName}_${i}`;
      renames.set(innerName, fresh);
    }
    const rewire = (ref: TensorRef): TensorRef => feeds.get(ref[0]) ?? (renames.has(ref[0]) ? [renames.get(ref[0]) as string, ref[1], ref[2], ref[3]] : ref);
    for (const innerLayer of inner.layers) {
      const innerName = nameOf(innerLayer);
      if (feeds.has(innerName)) continue; // the inner InputLayer: its tensor is the outer input
      const fresh = renames.get(innerName);
      innerLayer.inbound_nodes = nodesOf(innerLayer).map((node) => node.map(rewire));
      if (fresh) {
        innerLayer.name = fresh;
        configOf(innerLayer).name = fresh;
        hooks.renamed(innerLayer, fresh);
      }
      taken.add(fresh ?? innerName);
      layers.push(innerLayer);
    }
    aliases.set(name, inner.outputs.map(rewire));
  }
  return { name: graph.name, layers, inputs: graph.inputs, outputs: graph.outputs.map(resolve) };
}

/** Whether any layer of the converted topology is itself a model. */
export function hasNestedModels(topology: Json): boolean {
  return ((configOf(topology).layers ?? []) as Json[]).some(isModelLayer);
}

/** The converted topology as one flat Functional model. */
export function flattenNestedModels(topology: Json, hooks: FlattenHooks): Json {
  const flat = flatten(graphOf(topology, false), hooks);
  return {
    class_name: 'Functional',
    config: { name: flat.name, layers: flat.layers, input_layers: flat.inputs.map((name) => [name, 0, 0]), output_layers: flat.outputs.map((r) => [r[0], r[1], r[2]]) },
  };
}
