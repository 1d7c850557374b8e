/**
 * Parses and checks a TF.js model.json before TensorFlow.js sees it, so that a bad file gets an
 * error that names what is wrong instead of a stack trace from deep inside tfjs.
 */
import type * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';

export type ModelJson = tf.io.ModelJSON;
export type WeightGroup = tf.io.WeightsManifestConfig[number];
export type WeightEntry = tf.io.WeightsManifestEntry;

export type TopologyKind = 'layers-model' | 'graph-model';

const WEIGHT_DTYPES = new Set(['float32', 'int32', 'bool', 'string', 'complex64']);
const QUANTIZED_DTYPES = new Set(['uint8', 'uint16', 'float16']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the text of a model.json; throws MODEL_CORRUPT / MODEL_UNSUPPORTED naming the file. */
export function parseModelJson(text: string, file: string): ModelJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new VebiError(
      'MODEL_CORRUPT',
      `${file} is not valid JSON (${detail}). The file is damaged or is not a TensorFlow.js model.json: re-export the model with model.save() or tensorflowjs_converter.`,
      file,
    );
  }
  if (!isRecord(raw)) {
    throw new VebiError('MODEL_UNSUPPORTED', `${file} is JSON but not a TensorFlow.js model.json (expected an object with "modelTopology" and "weightsManifest").`, file);
  }
  if (!isRecord(raw.modelTopology)) {
    // A Keras 3 config.json (from inside a .keras archive) has class_name/config at the top level.
    const kerasHint =
      typeof raw.class_name === 'string' && 'config' in raw
        ? ' It looks like a Keras config.json (from a .keras archive): give the .keras file itself, which VEBI loads directly.'
        : ' Export the model with model.save() in TensorFlow.js or convert it with tensorflowjs_converter.';
    throw new VebiError('MODEL_UNSUPPORTED', `${file} is not a TensorFlow.js model.json: it has no "modelTopology" object.${kerasHint}`, file);
  }
  if (!Array.isArray(raw.weightsManifest)) {
    throw new VebiError(
      'MODEL_CORRUPT',
      `${file} has no "weightsManifest" list, so its weights cannot be found. Re-export the model with its weights (model.save() writes model.json together with its .bin shards).`,
      file,
    );
  }
  const groups = raw.weightsManifest.map((group, i) => checkGroup(group, i, file));
  return { ...(raw as Record<string, unknown>), modelTopology: raw.modelTopology, weightsManifest: groups } as ModelJson;
}

function checkGroup(group: unknown, index: number, file: string): WeightGroup {
  const where = `weightsManifest[${index}] of ${file}`;
  if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
    throw new VebiError('MODEL_CORRUPT', `${where} must be an object with "paths" and "weights" lists; the model.json is damaged: re-export the model.`, file);
  }
  for (const p of group.paths) {
    if (typeof p !== 'string' || p.length === 0) {
      throw new VebiError('MODEL_CORRUPT', `${where} has a weight path that is not a non-empty string; the model.json is damaged: re-export the model.`, file);
    }
  }
  const weights = group.weights.map((w, j) => checkEntry(w, `${where}, weight ${j}`, file));
  return { paths: group.paths as string[], weights };
}

function checkEntry(entry: unknown, where: string, file: string): WeightEntry {
  const bad = (what: string): VebiError => new VebiError('MODEL_CORRUPT', `${where} ${what}; the model.json is damaged: re-export the model.`, file);
  if (!isRecord(entry) || typeof entry.name !== 'string') throw bad('has no name');
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) throw bad(`("${entry.name}") has an invalid shape`);
  if (typeof entry.dtype !== 'string' || !WEIGHT_DTYPES.has(entry.dtype)) throw bad(`("${entry.name}") has an unknown dtype ${JSON.stringify(entry.dtype)}`);
  if (entry.quantization !== undefined) {
    if (!isRecord(entry.quantization) || typeof entry.quantization.dtype !== 'string' || !QUANTIZED_DTYPES.has(entry.quantization.dtype)) {
      throw bad(`("${entry.name}") has an unknown quantization`);
    }
  }
  return entry as unknown as WeightEntry;
}

/** Stored bytes of one weight, or undefined when it cannot be known in advance (strings). */
export function storedBytes(entry: WeightEntry): number | undefined {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const stored = entry.quantization?.dtype ?? entry.dtype;
  switch (stored) {
    case 'float32':
    case 'int32':
      return count * 4;
    case 'complex64':
      return count * 8;
    case 'bool':
    case 'uint8':
      return count;
    case 'uint16':
    case 'float16':
      return count * 2;
    default:
      return undefined;
  }
}

/** Which kind of TF.js model a model.json holds; throws MODEL_UNSUPPORTED when it is neither. */
export function topologyKind(json: ModelJson, file: string): TopologyKind {
  const topology = json.modelTopology as Record<string, unknown>;
  if (json.format === 'graph-model' || Array.isArray(topology.node)) return 'graph-model';
  if (json.format === 'layers-model' || isRecord(topology.model_config) || typeof topology.class_name === 'string') return 'layers-model';
  throw new VebiError(
    'MODEL_UNSUPPORTED',
    `${file} has a modelTopology that is neither a TensorFlow.js layers model (class_name/model_config) nor a graph model (node list). Re-export it with model.save() or tensorflowjs_converter.`,
    file,
  );
}
