/**
 * The plain view of an ONNX file the converter works on: no protobuf objects, no Longs (int64 are
 * numbers), float tensors as Float32Array. Only what a classifier's graph needs is kept.
 */

/** A constant tensor: an initializer, a Constant node's value or a folded shape computation. */
export type OnnxTensor = { name: string; dims: number[] } & ({ type: 'float'; data: Float32Array } | { type: 'int'; data: number[] });

/** An attribute value as plain data; graph-valued attributes (If/Loop bodies) are kept only as a marker. */
export type OnnxAttribute = number | string | number[] | string[] | OnnxTensor | { graph: true };

export interface OnnxValueInfo {
  name: string;
  /** Declared dims; a dynamic dim (dim_param or missing) is undefined. Undefined when no shape is declared. */
  shape?: (number | undefined)[];
}

export interface OnnxNode {
  /** The node's name, or '' when the exporter gave none. */
  name: string;
  opType: string;
  /** '' for the default ONNX domain ('ai.onnx' is normalised to ''). */
  domain: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export interface OnnxGraph {
  file: string;
  /** The default-domain opset the model was exported with. */
  opset: number;
  producer: string;
  /** Graph inputs that are not initializers (older exporters list initializers as inputs too). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
}

export function isTensor(value: OnnxAttribute | undefined): value is OnnxTensor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'dims' in value;
}
