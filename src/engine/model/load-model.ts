/**
 * Opens a classifier for VEBI: a TF.js model.json (layers or graph model) or the folder that holds
 * one, a Keras .keras/.h5 file or an .onnx file (both converted to a layers model). Every
 * model.json is checked by the safe IO handler before TensorFlow.js parses it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VebiError, isVebiError } from '../../shared/errors';
import { checkFiniteWeights, graphModelWeights, layersModelWeights, type NamedWeight } from './finite-weights';
import { GraphModelAdapter } from './graph-model';
import { registerKerasCompatLayers } from './keras-compat-layers';
import { loadKerasModel } from './keras/load-keras-model';
import { KERAS_EXTENSIONS } from './keras/read-keras-file';
import { LayerGraphModel } from './layer-graph';
import { loadOnnxModel } from './onnx/load-onnx-model';
import { notRegularModelFile } from './model-file';
import { topologyKind, type ModelJson } from './model-json';
import { readModelJson, safeIOHandler } from './safe-io-handler';
import type { VebiModel } from './types';

const NOT_YET: Record<string, string> = {
  '.pt': 'a PyTorch checkpoint',
  '.pth': 'a PyTorch checkpoint',
};

/**
 * SavedModels are refused even where tfjs-node could load them: its loadSavedModel runs only the
 * model's signatures, so no internal layer output and no gradient to one is reachable, and those
 * are what VEBI reads.
 */
function savedModelError(file: string): VebiError {
  return new VebiError(
    'MODEL_UNSUPPORTED',
    `${file} is a TensorFlow SavedModel / frozen graph. VEBI reads the outputs of internal layers and their gradients, which a SavedModel does not expose outside Python (TensorFlow.js for Node runs only its signatures). Save the Keras model as .keras (model.save("model.keras")), or convert it: tensorflowjs_converter --input_format tf_saved_model --output_format tfjs_graph_model <saved model folder> <out folder>, and give that model.json.`,
    file,
  );
}

function unsupportedFile(file: string): VebiError | undefined {
  if (path.extname(file).toLowerCase() === '.pb') return savedModelError(file);
  const kind = NOT_YET[path.extname(file).toLowerCase()];
  if (!kind) return undefined;
  return new VebiError(
    'MODEL_UNSUPPORTED',
    `${file} is ${kind}, which is not supported yet. Convert it to a TensorFlow.js model first (tensorflowjs_converter --input_format tf_saved_model ...) or save it as Keras (.keras), and give that file.`,
    file,
  );
}

function isKerasFile(file: string): boolean {
  return KERAS_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

function isOnnxFile(file: string): boolean {
  return path.extname(file).toLowerCase() === '.onnx';
}

/** The model file a user path designates (the path itself, or model.json inside a folder). */
export async function resolveModelJson(userPath: string): Promise<string> {
  const target = path.resolve(userPath);
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat) {
    throw unsupportedFile(target) ?? new VebiError('MODEL_NOT_FOUND', `No model at ${target}. Give the path of a TensorFlow.js model.json (or of the folder that holds it) or of a Keras .keras/.h5 file.`, target);
  }
  if (stat.isFile()) {
    const notYet = unsupportedFile(target);
    if (notYet) throw notYet;
    return target;
  }
  // A FIFO would block the first read forever, a device never ends.
  if (!stat.isDirectory()) throw notRegularModelFile(target, stat);
  const candidate = path.join(target, 'model.json');
  const inside = await fs.stat(candidate).catch(() => undefined);
  if (inside?.isFile()) return candidate;
  if (inside && !inside.isDirectory()) throw notRegularModelFile(candidate, inside);
  const names = await fs.readdir(target).catch(() => [] as string[]);
  if (names.includes('saved_model.pb')) throw savedModelError(target);
  const modelFile = names.find((n) => isKerasFile(n) || isOnnxFile(n));
  const other = names.find((n) => unsupportedFile(n) !== undefined);
  const hint = modelFile ? ` It holds the ${isOnnxFile(modelFile) ? 'ONNX' : 'Keras'} model ${modelFile}: give that file's path.` : other ? ` It holds ${other}, which is not supported yet: convert it with tensorflowjs_converter.` : '';
  throw new VebiError('MODEL_NOT_FOUND', `The folder ${target} has no model.json.${hint} Give the folder of a TensorFlow.js model (model.json + .bin shards).`, target);
}

interface LayerRef {
  className: string;
  name: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every layer class in a Keras-style topology, nested models included. */
function layerClasses(node: unknown, found: LayerRef[] = []): LayerRef[] {
  if (!isRecord(node)) return found;
  const config = node.config;
  const layers = Array.isArray(config) ? config : isRecord(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (typeof node.class_name === 'string' && layers === undefined) {
    const name = isRecord(config) && typeof config.name === 'string' ? config.name : typeof node.name === 'string' ? node.name : '?';
    found.push({ className: node.class_name, name });
  }
  for (const layer of layers ?? []) layerClasses(layer, found);
  return found;
}

/** Refuses layer classes TensorFlow.js cannot build (Lambda, custom Python classes), by name. */
function checkLayerClasses(json: ModelJson, file: string): void {
  const topology = json.modelTopology as Record<string, unknown>;
  const root = isRecord(topology.model_config) ? topology.model_config : topology;
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const unknown = layerClasses(root).filter((l) => !(l.className in known));
  if (unknown.length === 0) return;
  const list = unknown
    .slice(0, 5)
    .map((l) => `"${l.name}" (${l.className})`)
    .join(', ');
  const lambda = unknown.some((l) => l.className === 'Lambda' || l.className === 'TFOpLambda');
  throw new VebiError(
    'LAYER_UNSUPPORTED',
    `${file} uses layer classes TensorFlow.js cannot build: ${list}${unknown.length > 5 ? ', ...' : ''}. ` +
      (lambda ? 'Lambda layers hold Python code that cannot be exported; ' : 'Custom layers need their own implementation; ') +
      'rebuild the model from built-in Keras layers and export it again.',
    file,
  );
}

/** Wraps a freshly built model once its weights are checked finite; disposes it on any error. */
function adopt<M extends tf.LayersModel | tf.GraphModel>(model: M, file: string, weights: (m: M) => NamedWeight[], wrap: (m: M) => VebiModel): VebiModel {
  try {
    checkFiniteWeights(weights(model), file);
    return wrap(model);
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function loadLayers(file: string, json: ModelJson): Promise<VebiModel> {
  registerKerasCompatLayers();
  checkLayerClasses(json, file);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(safeIOHandler(file, json));
  } catch (err) {
    if (isVebiError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_UNSUPPORTED', `TensorFlow.js could not build the model in ${file}: ${detail}. Re-export it with a TensorFlow.js/Keras version the converter supports.`, file);
  }
  return adopt(model, file, layersModelWeights, (m) => new LayerGraphModel(m, file));
}

async function loadGraph(file: string, json: ModelJson): Promise<VebiModel> {
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(safeIOHandler(file, json));
  } catch (err) {
    if (isVebiError(err)) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError('MODEL_UNSUPPORTED', `TensorFlow.js could not build the graph model in ${file}: ${detail}.`, file);
  }
  return adopt(model, file, graphModelWeights, (m) => GraphModelAdapter.create(m, file, json.modelTopology));
}

/** Loads a model.json (or the folder holding one), a Keras .keras/.h5 file or an .onnx file as a VebiModel. */
export async function loadModel(userPath: string): Promise<VebiModel> {
  const file = await resolveModelJson(userPath);
  if (isKerasFile(file)) return adopt(await loadKerasModel(file), file, layersModelWeights, (m) => new LayerGraphModel(m, file, 'keras'));
  if (isOnnxFile(file)) return adopt(await loadOnnxModel(file), file, layersModelWeights, (m) => new LayerGraphModel(m, file, 'onnx'));
  const json = await readModelJson(file);
  return topologyKind(json, file) === 'graph-model' ? loadGraph(file, json) : loadLayers(file, json);
}
