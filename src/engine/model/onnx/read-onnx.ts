/**
 * Reads an .onnx file into the plain OnnxGraph the converter works on. The file is untrusted: read
 * through readModelFile (regular file, size limit), decoded with protobufjs against the official
 * onnx.proto schema, every tensor checked against its shape; nothing in it is ever executed.
 */
import * as path from 'node:path';
import * as protobuf from 'protobufjs/light';
import { VebiError } from '../../../shared/errors';
import { LIMITS } from '../../fs/safe-read';
import { readModelFile } from '../model-file';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-ir';
import { ONNX_SCHEMA } from './onnx-schema';
import { TensorSource, type TensorProtoObject } from './onnx-tensors';

interface AttributeProtoObject {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoObject;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

interface NodeProtoObject {
  name?: string;
  opType?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProtoObject[];
}

interface ValueInfoProtoObject {
  name?: string;
  type?: { tensorType?: { shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}

interface ModelProtoObject {
  irVersion?: number;
  producerName?: string;
  opsetImport?: { domain?: string; version?: number }[];
  graph?: { node?: NodeProtoObject[]; initializer?: TensorProtoObject[]; input?: ValueInfoProtoObject[]; output?: ValueInfoProtoObject[] };
}

let modelType: protobuf.Type | undefined;

function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

function notOnnx(file: string, why: string): VebiError {
  return new VebiError(
    'MODEL_CORRUPT',
    `${file} is not a readable ONNX model: ${why}. The file is truncated or damaged, or is not an .onnx file: export it again (torch.onnx.export(model, example, "${path.basename(file)}")) and copy it whole.`,
    file,
  );
}

/** The protobuf message as plain data (int64 as numbers, enums as numbers, empty repeated fields as []). */
function decode(buffer: Buffer, file: string): ModelProtoObject {
  const type = onnxModelType();
  let message: protobuf.Message;
  try {
    message = type.decode(buffer);
  } catch (err) {
    throw notOnnx(file, `it does not decode as protobuf (${err instanceof Error ? err.message : String(err)})`);
  }
  const model = type.toObject(message, { longs: Number, arrays: true, defaults: false }) as ModelProtoObject;
  if (!model.irVersion || !model.graph) throw notOnnx(file, 'it has no ONNX version or no graph');
  if (!model.graph.node?.length) throw notOnnx(file, 'its graph has no nodes');
  return model;
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

async function attribute(a: AttributeProtoObject, source: TensorSource): Promise<OnnxAttribute> {
  switch (a.type) {
    case 1:
      return a.f ?? 0;
    case 2:
      return a.i ?? 0;
    case 3:
      return text(a.s);
    case 4:
      return source.tensor(a.t ?? {});
    case 6:
      return a.floats ?? [];
    case 7:
      return a.ints ?? [];
    case 8:
      return (a.strings ?? []).map(text);
    default:
      // Graphs, sparse tensors, type protos: no supported op uses them; the op is refused later.
      return { graph: true };
  }
}

async function node(n: NodeProtoObject, source: TensorSource): Promise<OnnxNode> {
  const attributes: Record<string, OnnxAttribute> = {};
  for (const a of n.attribute ?? []) attributes[a.name ?? ''] = await attribute(a, source);
  const domain = n.domain === 'ai.onnx' ? '' : (n.domain ?? '');
  return { name: n.name ?? '', opType: n.opType ?? '', domain, inputs: n.input ?? [], outputs: n.output ?? [], attributes };
}

function valueInfo(v: ValueInfoProtoObject): OnnxValueInfo {
  const dims = v.type?.tensorType?.shape?.dim;
  return { name: v.name ?? '', shape: dims?.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? Number(d.dimValue) : undefined)) };
}

/** Reads and decodes `file` into an OnnxGraph (external tensor data read and confined too). */
export async function readOnnx(file: string): Promise<OnnxGraph> {
  const model = decode(await readModelFile(file, LIMITS.modelBytes), file);
  const graph = model.graph!;
  const source = new TensorSource(file);
  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) {
    const tensor = await source.tensor(t);
    initializers.set(tensor.name, tensor);
  }
  const nodes: OnnxNode[] = [];
  for (const n of graph.node ?? []) nodes.push(await node(n, source));
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0;
  return {
    file,
    opset: Number(opset),
    producer: model.producerName ?? '',
    inputs: (graph.input ?? []).map(valueInfo).filter((v) => !initializers.has(v.name)),
    outputs: (graph.output ?? []).map(valueInfo),
    nodes,
    initializers,
  };
}
