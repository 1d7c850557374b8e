/**
 * Readable, stable, unique TF.js layer names for ONNX nodes. torch.onnx.export names a node by its
 * module scope and op ("/layer1/layer1.0/conv1/Conv"); the layer takes the module's dotted path
 * ("layer1.0.conv1"), which is what a PyTorch user calls it. Unnamed nodes get "<OpType>_<index>".
 */

/** TF.js refuses weight names outside this pattern (tfjs-layers common.ts isValidTensorName). */
const VALID = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/**
 * The module path PyTorch itself prints (model.named_modules()):
 * "/layer1/layer1.0/conv1/Conv" -> "layer1.0.conv1",
 * "/features/features.1/conv/conv.0/conv.0.0/Conv" -> "features.1.conv.0.0"; "Conv_7" -> "Conv_7".
 */
export function scopeName(nodeName: string, opType: string): string {
  const segments = nodeName.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1];
  // The op segment ("Conv", "Relu_1") says nothing the layer class does not; keep it only when alone.
  if (segments.length > 1 && (last === opType || last.startsWith(`${opType}_`))) segments.pop();
  // Inside nn.Sequential chains each segment repeats the one before ("features", "features.1"):
  // it replaces it; any other segment starts a new level under the path so far.
  let base = '';
  let current = '';
  for (const segment of segments) {
    if (current !== '' && !segment.startsWith(`${current}.`)) base = base === '' ? current : `${base}.${current}`;
    current = segment;
  }
  return base === '' ? current : `${base}.${current}`;
}

function sanitise(name: string): string {
  const cleaned = name.replace(/[^-A-Za-z0-9._]/g, '_');
  return VALID.test(cleaned) ? cleaned : `n${cleaned}`;
}

/** Hands out unique layer names in graph order. */
export class LayerNames {
  private readonly taken = new Set<string>();

  /** A unique name from `wanted` (sanitised), suffixed _2, _3... when already taken. */
  unique(wanted: string): string {
    const base = sanitise(wanted);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** The name of the layer for node number `index`. */
  forNode(nodeName: string, opType: string, index: number): string {
    return this.unique(scopeName(nodeName, opType) || `${opType}_${index}`);
  }
}
