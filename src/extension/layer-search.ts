/**
 * Where a layer of the report is defined in the workspace's code: an explicit name first
 * (`name='conv1'`, `"name": "conv1"`, `conv1 = ...`), then Keras's automatic names (`conv2d_1` = the
 * second unnamed `Conv2D(` call of a script or notebook). Pure: the extension reads the files.
 */
import { findAutoNamedCall, notebookCodeCells, parseAutoName } from './keras-auto-names';
import { foldersApart } from './folder-distance';
import { findLayerInText } from './layer-locator';
import { findModuleInText } from './pytorch-module-path';

/** One code file: a script's text, or a notebook's code cells (each searched as its own text). */
export interface CodeFile {
  file: string;
  /** For notebooks: the code cells in order, with their index among all cells. */
  cells?: Array<{ cell: number; text: string }>;
  text: string;
}

export interface LayerMatch {
  file: string;
  /** The notebook cell holding the match (its index among all cells), for notebooks. */
  cell?: number;
  line: number;
  character: number;
  length: number;
  /** 'name': the layer's name is written there; 'auto': the call Keras named automatically; 'module': a PyTorch module path. */
  how: 'name' | 'auto' | 'module';
  /** For 'module': the part of the path found there (the rest is inside that module's class). */
  resolved?: string;
  /** For 'auto': the layer class, e.g. Conv2D. */
  className?: string;
  /** For 'auto': how the number was counted (see AutoNamedCall). */
  counted?: 'exact' | 'relative';
}

export type LayerSearchResult =
  | { kind: 'found'; match: LayerMatch }
  | { kind: 'ambiguous'; matches: LayerMatch[] }
  | { kind: 'none'; reason: string };

/** Reads a file's text as code: notebooks (.ipynb) as their code cells. */
export function codeFile(file: string, text: string): CodeFile {
  return file.toLowerCase().endsWith('.ipynb') ? { file, text, cells: notebookCodeCells(text) } : { file, text };
}

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The automatic-name match in a notebook: Keras counts across cells, run top to bottom. */
function autoInNotebook(file: CodeFile, layer: string, modelLayers: readonly string[]): LayerMatch | undefined {
  const cells = file.cells ?? [];
  const joined = cells.map((c) => c.text).join('\n');
  const call = findAutoNamedCall(joined, layer, modelLayers);
  if (!call) return undefined;
  let start = 0;
  for (const cell of cells) {
    const end = start + cell.text.length;
    // Stryker disable next-line EqualityOperator: offset end is the newline joining two cells (or the end), never a class name's first letter
    if (call.offset < end) return { file: file.file, cell: cell.cell, ...position(cell.text, call.offset - start), length: call.className.length, how: 'auto', className: call.className, counted: call.counted };
    start = end + 1;
  }
  return undefined;
}

function explicitIn(file: CodeFile, layer: string): LayerMatch | undefined {
  if (file.cells) {
    for (const cell of file.cells) {
      const at = findLayerInText(cell.text, layer);
      if (at) return { file: file.file, cell: cell.cell, ...at, length: layer.length, how: 'name' };
    }
    return undefined;
  }
  const at = findLayerInText(file.text, layer);
  return at ? { file: file.file, ...at, length: layer.length, how: 'name' } : undefined;
}

/** A PyTorch module path (ONNX exports name layers by them), in Python code and notebooks. */
function moduleIn(file: CodeFile, layer: string): LayerMatch | undefined {
  if (!layer.includes('.')) return undefined; // a plain name is an attribute: the explicit search covers it
  for (const cell of file.cells ?? (/\.pyw?$/i.test(file.file) ? [{ cell: undefined, text: file.text }] : [])) {
    const found = findModuleInText(cell.text, layer);
    if (found) return { file: file.file, cell: cell.cell, ...position(cell.text, found.offset), length: found.length, how: 'module', resolved: found.resolved };
  }
  return undefined;
}

function autoIn(file: CodeFile, layer: string, modelLayers: readonly string[]): LayerMatch | undefined {
  if (file.cells) return autoInNotebook(file, layer, modelLayers);
  if (!/\.pyw?$/i.test(file.file)) return undefined; // Keras's counters live in Python processes
  const call = findAutoNamedCall(file.text, layer, modelLayers);
  return call ? { file: file.file, ...position(file.text, call.offset), length: call.className.length, how: 'auto', className: call.className, counted: call.counted } : undefined;
}

/**
 * Searches files in the given order (most likely first). An explicit name wins at once. An
 * automatic name is found when one file has that call, or one file nearest the model's folder
 * (`modelDir`: the script next to a model built it); ambiguous when several are equally near.
 * `modelLayers`, the model's layer names, places automatic numbers that did not start at 0.
 */
// Stryker disable next-line ArrayDeclaration: a default holding a non-snake-case string adds no automatic name (parseAutoName refuses it)
export function searchLayer(files: CodeFile[], layer: string, modelLayers: readonly string[] = [], modelDir?: string): LayerSearchResult {
  for (const file of files) {
    const match = explicitIn(file, layer);
    if (match) return { kind: 'found', match };
  }
  // The file that resolves the most of the path wins (the first of those: files come most likely first).
  const modules = files.map((file) => moduleIn(file, layer)).filter((m): m is LayerMatch => m !== undefined);
  // Stryker disable next-line StringLiteral: a module match always has resolved, so the fallback is never used
  const deepest = modules.reduce<LayerMatch | undefined>((best, m) => (!best || (m.resolved ?? '').length > (best.resolved ?? '').length ? m : best), undefined);
  if (deepest) return { kind: 'found', match: deepest };
  const auto = files.map((file) => autoIn(file, layer, modelLayers)).filter((m): m is LayerMatch => m !== undefined);
  if (auto.length === 1) return { kind: 'found', match: auto[0] };
  // Stryker disable next-line EqualityOperator: exactly one match was returned just above, so the length here is 0 or at least 2
  if (auto.length > 1) {
    if (modelDir !== undefined) {
      const distance = auto.map((m) => foldersApart(modelDir, m.file));
      const nearest = auto.filter((_, i) => distance[i] === Math.min(...distance));
      if (nearest.length === 1) return { kind: 'found', match: nearest[0] };
    }
    return { kind: 'ambiguous', matches: auto };
  }
  const parsed = parseAutoName(layer);
  const reason = layer.includes('.')
    ? `"${layer}" is not written in the workspace's code, and no self.<attribute> = ... or nn.Sequential entry there matches this PyTorch module path (a module of a library model, e.g. torchvision's, is defined in that library)`
    : parsed
    ? `"${layer}" is not written in the workspace's code, and no script or notebook has ${parsed.index + 1} unnamed layer${parsed.index ? 's' : ''} whose Keras name starts with "${parsed.prefix}"`
    : `"${layer}" is not written in the workspace's code`;
  return { kind: 'none', reason };
}
