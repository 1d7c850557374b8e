/** sanity.md: similarity with the original explanation, method x randomisation step; and top vs second class. */
import type { MeanStd, SanityReport } from '../../shared/evaluation';

const num = (v: MeanStd | undefined) => (v ? v.mean.toFixed(2) : '–');

/** Column titles of the steps: "original", then the layer re-initialised at that step. */
export function stepLabels(s: SanityReport): string[] {
  return s.steps.map((step) => (step.layer === null ? 'original' : `+${step.layer}`));
}

function table(s: SanityReport, metric: 'spearman' | 'ssim'): string[] {
  const head = ['method', ...stepLabels(s)];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rows = s.methods.map((m) => [m.error && m[metric].length === 0 ? `${m.displayName} (failed)` : m.displayName, ...s.steps.map((_, k) => num(m[metric][k]))]);
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)];
}

export function sanityMarkdown(s: SanityReport): string {
  const fitted = s.steps.some((step) => step.accuracy !== null);
  const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# Sanity checks: cascading randomisation of the weights',
    '',
    `Model \`${s.model.path}\`; ${s.images.length} images explained at every step for the class the original model predicts. ` +
      `Step k re-initialises the top k layers with weights (kernels Glorot normal, seed ${s.params.seed}; biases zero; batch-norm statistics kept)` +
      (fitted ? `, and VEBI's interpretation is fitted again on ${s.data.numImages} images of \`${s.data.path}\` (mu ${s.params.mu}).` : '.'),
    '',
    'An explanation that depends on the model should lose its similarity with the original one as more layers are randomised; ' +
      'a method whose maps stay similar is explaining the input (edges, colours) rather than the model.',
    '',
    '## Spearman rank correlation with the original explanation (mean over images)',
    '',
    ...table(s, 'spearman'),
    '',
    '## SSIM with the original explanation (mean over images; 11 x 11 Gaussian window, sigma 1.5)',
    '',
    ...table(s, 'ssim'),
    '',
    ...(fitted
      ? ['## The randomised models', '', line(['step', 'layer re-initialised', 'training accuracy', 'relevant features (VEBI)']), line(['---:', '---', '---:', '---:']), ...s.steps.map((st, k) => line([String(k), st.layer ?? '(original)', pct(st.accuracy), String(st.relevantFeatures ?? '–')])), '']
      : []),
    '## Class sensitivity: top class vs second-ranked class (original model)',
    '',
    'Similarity of the explanations of the predicted class and of the second most likely class; lower means the method tells the classes apart.',
    '',
    line(['method', 'Spearman', 'SSIM']),
    line(['---', '---:', '---:']),
    ...s.classSensitivity.map((c) => line([c.displayName, c.spearman ? `${num(c.spearman)} ± ${c.spearman.std.toFixed(2)}` : '–', c.ssim ? `${num(c.ssim)} ± ${c.ssim.std.toFixed(2)}` : '–'])),
    '',
    ...(s.warnings.length ? ['## Warnings', '', ...s.warnings.map((w) => `- ${w}`), ''] : []),
  ].join('\n');
}
