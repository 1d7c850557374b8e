/** Which files are models VEBI can open (for menus and the palette). Pure: tested without VS Code. */

/** A JSON object: not null, an array, a string or a number. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a TF.js model.json (Layers or graph model), false for any other JSON. */
export function isTfjsModelJson(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  }
  // Stryker disable next-line BlockStatement: json stays undefined, which the object check below refuses too
  catch {
    return false;
  }
  if (!isJsonObject(json)) return false;
  const hasTopology = typeof json.modelTopology === 'object' && json.modelTopology !== null;
  const hasManifest = Array.isArray(json.weightsManifest);
  return hasTopology && (hasManifest || json.format === 'layers-model' || json.format === 'graph-model');
}

/**
 * Why a file that should be a model.json is not one, in words for an error message; undefined
 * when it is a model.
 */
export function modelJsonProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON (${(error as Error).message}); re-export the model (model.json and its weight shards)`;
  }
  if (isTfjsModelJson(text)) return undefined;
  const keys = isJsonObject(value) ? Object.keys(value) : [];
  return `is not a TensorFlow.js model: it has no modelTopology and weightsManifest${keys.length ? ` (its keys: ${keys.slice(0, 5).join(', ')})` : ''}`;
}

/** Model files larger than this are not parsed to decide (their name decides). */
export const MODEL_JSON_SNIFF_LIMIT = 64 * 1024 * 1024;

/** Keras model files the engine loads directly. */
export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

/** Bytes read from the start of a Keras file to decide whether it is a model. */
export const KERAS_SNIFF_BYTES = 64 * 1024;

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  // Stryker disable next-line StringLiteral,ConditionalExpression: this is only compared with dotted extensions, so any text without a dot (also the last character, for dot -1) matches none alike
  return dot < 0 ? '' : fileName.slice(dot).toLowerCase();
}

export function isKerasFileName(fileName: string): boolean {
  return KERAS_EXTENSIONS.includes(extensionOf(fileName));
}

function startsWith(head: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, i) => head[i] === byte);
}

/** Why a .keras/.h5 file cannot be a Keras model, from its first bytes; undefined when it may be one. */
export function kerasFileProblem(fileName: string, head: Uint8Array): string | undefined {
  if (extensionOf(fileName) === '.keras') {
    return startsWith(head, ZIP_SIGNATURE) ? undefined : 'is not a Keras 3 archive (not a zip file); save the model again with model.save("model.keras")';
  }
  return startsWith(head, HDF5_SIGNATURE) ? undefined : 'is not an HDF5 file; save the model again with model.save("model.h5") or as .keras';
}

/**
 * True when a Keras file looks like a whole model (for menus): a zip for .keras; for .h5 an HDF5 file
 * whose root attributes (written first by Keras) include "model_config", unlike weights-only files
 * or HDF5 data sets.
 */
export function looksLikeKerasModel(fileName: string, head: Uint8Array): boolean {
  if (kerasFileProblem(fileName, head) !== undefined) return false;
  return extensionOf(fileName) === '.keras' || Buffer.from(head.buffer, head.byteOffset, head.byteLength).includes('model_config');
}

/** ONNX model files (protobuf ModelProto), as PyTorch's torch.onnx.export and tf2onnx write them. */
export const ONNX_EXTENSIONS = ['.onnx'];

/** Bytes read from the start of an .onnx file to decide whether it is a model. */
export const ONNX_SNIFF_BYTES = 16;

/** Field tags that may follow ir_version in a ModelProto (fields 2-8, 14, 15, 20; wire types as in onnx.proto). */
const ONNX_NEXT_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0x7a, 0xa2]);

export function isOnnxFileName(fileName: string): boolean {
  return ONNX_EXTENSIONS.includes(extensionOf(fileName));
}

/**
 * Why an .onnx file cannot be an ONNX model, from its first bytes; undefined when it may be one.
 * Exporters write the fields in number order, so a model starts with ir_version (field 1, a small
 * varint) and then another ModelProto field.
 */
export function onnxFileProblem(head: Uint8Array): string | undefined {
  const irVersion = head[1];
  // Stryker disable next-line ConditionalExpression,UnaryOperator: undefined >= 1 is false anyway; neither -1 nor +1 is an ONNX field tag
  const starts = head[0] === 0x08 && irVersion !== undefined && irVersion >= 1 && irVersion <= 30 && ONNX_NEXT_TAGS.has(head[2] ?? -1);
  return starts ? undefined : 'is not an ONNX model (it does not start as an ONNX ModelProto does); export it again with torch.onnx.export(model, example_input, "model.onnx")';
}
