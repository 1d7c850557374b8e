/**
 * TensorProto -> OnnxTensor: float types become Float32Array, integer types plain numbers (int64
 * shape constants are far below 2^53). Values may sit in raw_data (little-endian), in the typed
 * repeated fields, or in an external file next to the model (torch.onnx.export above 2 GB, or
 * onnx.save_model(save_as_external_data=True)); an external path never leaves the model's folder.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { VebiError } from '../../../shared/errors';
import { confinedRealPath } from '../../fs/confine';
import { LIMITS, readRegularFile } from '../../fs/safe-read';
import type { OnnxTensor } from './onnx-ir';

/** A TensorProto as protobufjs's toObject gives it (longs as numbers, camelCase fields). */
export interface TensorProtoObject {
  name?: string;
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  uint64Data?: number[];
  rawData?: Uint8Array;
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

/** TensorProto.DataType codes -> bytes per element and how to read one from raw_data. */
const TYPES: Record<number, { name: string; bytes: number; float: boolean; read: (v: DataView, at: number) => number }> = {
  1: { name: 'float32', bytes: 4, float: true, read: (v, at) => v.getFloat32(at, true) },
  2: { name: 'uint8', bytes: 1, float: false, read: (v, at) => v.getUint8(at) },
  3: { name: 'int8', bytes: 1, float: false, read: (v, at) => v.getInt8(at) },
  4: { name: 'uint16', bytes: 2, float: false, read: (v, at) => v.getUint16(at, true) },
  5: { name: 'int16', bytes: 2, float: false, read: (v, at) => v.getInt16(at, true) },
  6: { name: 'int32', bytes: 4, float: false, read: (v, at) => v.getInt32(at, true) },
  7: { name: 'int64', bytes: 8, float: false, read: (v, at) => Number(v.getBigInt64(at, true)) },
  9: { name: 'bool', bytes: 1, float: false, read: (v, at) => v.getUint8(at) },
  11: { name: 'float64', bytes: 8, float: true, read: (v, at) => v.getFloat64(at, true) },
  12: { name: 'uint32', bytes: 4, float: false, read: (v, at) => v.getUint32(at, true) },
  13: { name: 'uint64', bytes: 8, float: false, read: (v, at) => Number(v.getBigUint64(at, true)) },
};

const EXTERNAL = 1;
const LITTLE_ENDIAN = os.endianness() === 'LE';
const EXTERNAL_HINT = 'Keep the external data files written by torch.onnx.export / onnx.save_model next to the .onnx file, under the names the model gives them.';

/** Where a tensor's values are read from: the model file, and the external files already read. */
export class TensorSource {
  private readonly files = new Map<string, Buffer>();
  constructor(readonly file: string) {}

  private corrupt(name: string, why: string): VebiError {
    return new VebiError('MODEL_CORRUPT', `${this.file}: tensor "${name}" ${why}. The file is damaged or was written by a broken exporter: export the model again.`, this.file);
  }

  async tensor(proto: TensorProtoObject): Promise<OnnxTensor> {
    const name = proto.name ?? '';
    const dims = (proto.dims ?? []).map(Number);
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw this.corrupt(name, `has invalid dims [${dims.join(', ')}]`);
    const type = TYPES[proto.dataType ?? 0];
    if (!type) {
      throw new VebiError('MODEL_UNSUPPORTED', `${this.file}: tensor "${name}" has the ONNX data type ${proto.dataType}, which VEBI does not read (float32/64 and integer tensors only). Export the model in float32; nothing was run.`, this.file);
    }
    const count = dims.reduce((a, b) => a * b, 1);
    const raw = proto.dataLocation === EXTERNAL ? await this.external(proto, name, count * type.bytes) : proto.rawData && proto.rawData.byteLength > 0 ? proto.rawData : undefined;
    let values: ArrayLike<number>;
    if (raw && type.name === 'float32' && raw.byteLength === count * 4 && LITTLE_ENDIAN) {
      // The common case (every weight), copied whole: raw_data need not be 4-byte aligned.
      return { name, dims, type: 'float', data: new Float32Array(Uint8Array.from(raw).buffer) };
    } else if (raw) {
      if (raw.byteLength !== count * type.bytes) throw this.corrupt(name, `holds ${raw.byteLength} bytes where its shape [${dims.join(', ')}] of ${type.name} needs ${count * type.bytes}`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out = new Array<number>(count);
      for (let i = 0; i < count; i++) out[i] = type.read(view, i * type.bytes);
      values = out;
    } else {
      values = typedField(proto, proto.dataType ?? 0);
      if (values.length !== count) throw this.corrupt(name, `holds ${values.length} values where its shape [${dims.join(', ')}] needs ${count}`);
    }
    return type.float ? { name, dims, type: 'float', data: Float32Array.from(values) } : { name, dims, type: 'int', data: Array.from(values, Number) };
  }

  /** The bytes of an external tensor: a confined path, an offset and length inside that file. */
  private async external(proto: TensorProtoObject, name: string, expected: number): Promise<Uint8Array> {
    const entries = new Map((proto.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location');
    const dir = path.dirname(this.file);
    const options = { code: 'WEIGHTS_PATH_ESCAPES' as const, source: this.file, hint: `Tensor "${name}" must keep its data inside the model's folder. ${EXTERNAL_HINT}` };
    const target = await confinedRealPath(dir, location, options);
    let data = this.files.get(target);
    if (!data) {
      data = await readRegularFile(target, { what: `External data file "${location}" of tensor "${name}" in ${this.file}:`, maxBytes: LIMITS.modelBytes, code: 'WEIGHTS_MISSING', tooLargeCode: 'MODEL_TOO_LARGE', hint: EXTERNAL_HINT });
      this.files.set(target, data);
    }
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : expected;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw this.corrupt(name, `has an invalid external offset/length (${entries.get('offset')}, ${entries.get('length')})`);
    if (offset + length > data.byteLength) {
      throw new VebiError('WEIGHTS_SHORT', `External data file "${location}" (${target}) is ${data.byteLength} bytes, too short for tensor "${name}" of ${this.file} (bytes ${offset} to ${offset + length}). It is truncated or belongs to another export. ${EXTERNAL_HINT}`, target);
    }
    return data.subarray(offset, offset + length);
  }
}

/** The repeated field ONNX uses for values of this type when raw_data is empty. */
function typedField(proto: TensorProtoObject, dataType: number): number[] {
  if (dataType === 1) return proto.floatData ?? [];
  if (dataType === 7) return proto.int64Data ?? [];
  if (dataType === 11) return proto.doubleData ?? [];
  if (dataType === 12 || dataType === 13) return proto.uint64Data ?? [];
  return proto.int32Data ?? [];
}
