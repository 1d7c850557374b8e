/** localization.md: the paper's table (method | IoU %), with the talk's figures beside ours when the variant is known. */
import type { LocalizationMethodResult, LocalizationReport } from '../../shared/evaluation';

/** The talk's table (IoU %, mean ± std over 5 seeds), method.md section 5. */
export const PAPER_LOCALIZATION: Readonly<Record<string, { label: string; 'single-6c': string; 'double-12c': string }>> = {
  'upsampled-activations': { label: 'Upsampled activations', 'single-6c': '16.8 ± 2.63', 'double-12c': '16.1 ± 1.30' },
  'guided-backprop': { label: 'Deconv + Guided Backprop', 'single-6c': '21.3 ± 0.77', 'double-12c': '21.9 ± 0.72' },
  gradcam: { label: 'Grad-CAM', 'single-6c': '17.5 ± 0.25', 'double-12c': '14.8 ± 0.16' },
  'guided-gradcam': { label: 'Guided Grad-CAM', 'single-6c': '19.9 ± 0.61', 'double-12c': '19.4 ± 0.34' },
  'gradcam-plus-plus': { label: 'Grad-CAM++', 'single-6c': '15.6 ± 0.57', 'double-12c': '14.6 ± 0.12' },
  'guided-gradcam-plus-plus': { label: 'Guided Grad-CAM++', 'single-6c': '19.6 ± 0.65', 'double-12c': '19.7 ± 0.27' },
  vebi: { label: 'VEBI (ours)', 'single-6c': '22.5 ± 0.82', 'double-12c': '23.2 ± 0.60' },
};

/** Rows in the paper's order, VEBI last of them, then the methods the paper does not list. */
const PAPER_ORDER = ['upsampled-activations', 'deconvnet', 'guided-backprop', 'gradcam', 'guided-gradcam', 'gradcam-plus-plus', 'guided-gradcam-plus-plus', 'vebi'];

export function paperOrder(methods: readonly LocalizationMethodResult[]): LocalizationMethodResult[] {
  const rank = (name: string) => (PAPER_ORDER.includes(name) ? PAPER_ORDER.indexOf(name) : PAPER_ORDER.length);
  return methods.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m.name) - rank(b.m.name) || a.i - b.i).map((e) => e.m);
}

const pct = (v: number | null, digits = 1) => (v === null ? '–' : (100 * v).toFixed(digits));

export function localizationMarkdown(s: LocalizationReport): string {
  const variant = s.data.variant === 'single-6c' || s.data.variant === 'double-12c' ? s.data.variant : undefined;
  const head = ['method', 'IoU (%)', 'best threshold: IoU (%)', 'IoU right / wrong prediction (%)', 'ms / image', ...(variant ? [`paper ${variant} (%)`] : [])];
  const rows = paperOrder(s.methods).map((m) => [
    m.displayName,
    m.error ? `failed: ${m.error.replace(/\|/g, '/')}` : `${pct(m.meanIoU)} ± ${pct(m.stdIoU, 2)}`,
    m.best ? `${pct(m.best.iou)} at ${m.best.threshold.toFixed(2)}` : '–',
    `${pct(m.byPrediction.correct)} / ${pct(m.byPrediction.wrong)}`,
    m.msPerImage === null ? '–' : m.msPerImage.toFixed(1),
    ...(variant ? [PAPER_LOCALIZATION[m.name]?.[variant] ?? ''] : []),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const first = s.params.thresholds[0];
  const last = s.params.thresholds[s.params.thresholds.length - 1];
  return [
    '# Localization: explanations against ground-truth masks',
    '',
    `Model \`${s.model.path}\`, interpretation \`${s.report}\`, ${s.data.numImages} images of \`${s.data.path}\`` +
      `${variant ? ` (${variant})` : ''}; top-1 accuracy ${pct(s.accuracy)}%. Each image is explained for its ` +
      `${s.params.target === 'ground-truth' ? 'ground-truth class' : 'predicted class'}.`,
    '',
    `IoU of the heatmap binarised at ${first.toFixed(2)}, ${s.params.thresholds[1]?.toFixed(2) ?? ''}, ..., ${last.toFixed(2)} ` +
      `(on where >= the threshold) with the mask (resized to the model input with nearest-neighbour), averaged over thresholds, ` +
      `then over images (± std over images). Best threshold: the single threshold with the highest IoU averaged over images.` +
      (variant ? ' The paper column is the talk\'s figure (mean ± std over 5 seeds), for reference.' : ''),
    '',
    line(head),
    line(head.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map(line),
    '',
    ...(s.warnings.length ? ['## Warnings', '', ...s.warnings.map((w) => `- ${w}`), ''] : []),
  ].join('\n');
}
