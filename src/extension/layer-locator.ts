/**
 * Finds where a layer is defined in training code by its name: `name='conv1'` (Keras, PyTorch
 * module names), `"name": "conv1"` (configs), or `conv1 = ...` / `self.conv1 = ...` (attributes).
 * Pure text search; the extension feeds it workspace files.
 */
export interface TextLocation {
  line: number;
  character: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function findLayerInText(text: string, layer: string): TextLocation | undefined {
  const name = escapeRegExp(layer);
  const patterns = [
    new RegExp(`\\bname\\s*=\\s*["']${name}["']`),
    new RegExp(`["']name["']\\s*:\\s*["']${name}["']`),
    new RegExp(
      `(?:^|[\\s.])${name}\\s*=(?!=)`,
      // Stryker disable next-line StringLiteral: without 'm' the newline before a line's first name still matches [\s.] (same place, same result)
      'm',
    ),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const offset = match.index + match[0].indexOf(layer);
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  }
  return undefined;
}

/** Training-code files worth searching, as a glob for vscode.workspace.findFiles. */
export const TRAINING_CODE_GLOB = '**/*.{py,ipynb,ts,js,mjs,json,yaml,yml}';
export const TRAINING_CODE_EXCLUDE = '**/{node_modules,.git,dist,out,.venv,venv,__pycache__}/**';
