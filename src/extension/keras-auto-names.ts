/**
 * Keras names a layer built without `name=` after its class: the k-th `Conv2D(...)` created in a
 * process is `conv2d` (k = 0), then `conv2d_1`, `conv2d_2`, ... (a counter per snake-cased class
 * name; layers given a name do not advance it). Training scripts rarely name their layers, so a
 * report's `conv2d_1` is found by counting the unnamed constructor calls of that class in a file, in
 * order. Pure text work: the extension feeds it file and notebook-cell texts.
 */
import { closingBracket } from './python-text';

/** Keras's to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu. */
export function kerasSnakeCase(className: string): string {
  const intermediate = className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface AutoName {
  /** The snake-cased class name, e.g. `max_pooling2d`. */
  prefix: string;
  /** 0 for `conv2d`, k for `conv2d_k`. */
  index: number;
}

/**
 * Reads a layer name as an automatic one: `conv2d_3` -> (conv2d, 3), `dense` -> (dense, 0).
 * Undefined when it cannot be one (not lower snake case).
 */
export function parseAutoName(layer: string): AutoName | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(layer)) return undefined;
  const numbered = /^(.*[a-z0-9])_([1-9][0-9]*)$/.exec(layer);
  if (numbered) return { prefix: numbered[1], index: Number(numbered[2]) };
  return { prefix: layer, index: 0 };
}

export interface ConstructorCall {
  className: string;
  /** Offset of the class name in the text. */
  offset: number;
  /** Whether the call passes `name=` (such a layer keeps that name and takes no number). */
  named: boolean;
}

/** Blanks comments and string contents so calls inside them are not counted (offsets kept). */
function codeOnly(text: string): string {
  return text.replace(/#[^\n]*|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** The argument text of a call with everything inside nested brackets dropped (their name= is theirs). */
function outerLevel(args: string): string {
  let depth = 0;
  // Stryker disable next-line StringLiteral: only /[(,]\s*name\s*=/ reads out, and a prefix without ( or , before the call's own ( cannot make it match
  let out = '';
  for (const c of args) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (depth <= 1) out += c;
    if (c === ')' || c === ']' || c === '}') depth--;
  }
  return out;
}

/**
 * Every call of a capitalised name in Python code (`layers.Conv2D(`, `tf.keras.layers.Conv2D(`,
 * a bare `Conv2D(` after `from keras.layers import Conv2D`), in order, with whether it is named.
 */
export function constructorCalls(text: string): ConstructorCall[] {
  const code = codeOnly(text);
  const calls: ConstructorCall[] = [];
  // Stryker disable next-line Regex: the prefix group only moves match.index; offset = index + prefix length is the class name's start either way, and a class name after a dot also matches with an empty prefix
  const pattern = /(?<![\w])((?:[A-Za-z_]\w*\.)*)([A-Z]\w*)\s*\(/g;
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    const offset = match.index + match[1].length;
    const open = match.index + match[0].length - 1;
    const close = closingBracket(code, open);
    const args = outerLevel(code.slice(open, close < 0 ? code.length : close));
    calls.push({ className: match[2], offset, named: /[(,]\s*name\s*=/.test(args) });
  }
  return calls;
}

/**
 * The layer's place among the model's own layers of the same automatic prefix (conv2d_12 is the
 * first conv2d_* of a model whose Conv2D layers are conv2d_12 and conv2d_13), or undefined.
 */
export function rankInModel(layer: string, modelLayers: readonly string[]): number | undefined {
  const auto = parseAutoName(layer);
  if (!auto) return undefined;
  const numbers = modelLayers
    .map(parseAutoName)
    .filter((a): a is AutoName => a !== undefined && a.prefix === auto.prefix)
    .map((a) => a.index)
    .sort((a, b) => a - b);
  const rank = numbers.indexOf(auto.index);
  return rank < 0 ? undefined : rank;
}

export interface AutoNamedCall {
  offset: number;
  className: string;
  /**
   * 'exact': the k-th unnamed call, as Keras counts in a fresh process. 'relative': the numbers
   * started higher (layers made earlier in the same Python session, e.g. a notebook cell run
   * twice), so the layer's place among the model's layers of that class was used.
   */
  counted: 'exact' | 'relative';
}

/**
 * The constructor call that made the automatically named `layer` in this text, or undefined when
 * the text has no such call. `modelLayers` (the model's layer names) lets numbers that did not start
 * at 0 be placed too.
 */
// Stryker disable next-line ArrayDeclaration: a default holding a non-snake-case string adds no automatic name (parseAutoName refuses it)
export function findAutoNamedCall(text: string, layer: string, modelLayers: readonly string[] = []): AutoNamedCall | undefined {
  const auto = parseAutoName(layer);
  if (!auto) return undefined;
  const unnamed = constructorCalls(text).filter((call) => !call.named && kerasSnakeCase(call.className) === auto.prefix);
  const exact = unnamed[auto.index];
  if (exact) return { offset: exact.offset, className: exact.className, counted: 'exact' };
  const rank = rankInModel(layer, modelLayers);
  const relative = rank === undefined ? undefined : unnamed[rank];
  return relative ? { offset: relative.offset, className: relative.className, counted: 'relative' } : undefined;
}

/** The code cells of a Jupyter notebook (.ipynb JSON), in order; [] when it is not one. */
export function notebookCodeCells(json: string): Array<{ cell: number; text: string }> {
  let notebook: unknown;
  try {
    notebook = JSON.parse(json);
  }
  // Stryker disable next-line BlockStatement: notebook stays undefined, which the object check below turns into [] too
  catch {
    return [];
  }
  const cells = typeof notebook === 'object' && notebook !== null ? (notebook as { cells?: unknown }).cells : undefined;
  if (!Array.isArray(cells)) return [];
  const out: Array<{ cell: number; text: string }> = [];
  cells.forEach((cell: unknown, index) => {
    if (typeof cell !== 'object' || cell === null) return;
    const { cell_type: type, source } = cell as { cell_type?: unknown; source?: unknown };
    if (type !== 'code') return;
    const text = Array.isArray(source) ? source.filter((s): s is string => typeof s === 'string').join('') : typeof source === 'string' ? source : '';
    out.push({ cell: index, text });
  });
  return out;
}
