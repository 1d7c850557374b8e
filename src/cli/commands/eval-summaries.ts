/** The short tables `vebi eval localization` and `vebi eval sanity` print (the full ones are in the .md files). */
import type { LocalizationReport, SanityReport } from '../../shared/evaluation';

const pct = (v: number | null, digits = 1) => (v === null ? '–' : (100 * v).toFixed(digits));

export function summarizeLocalization(s: LocalizationReport, outDir: string): string {
  const width = Math.max(6, ...s.methods.map((m) => m.displayName.length));
  const lines = [
    `Localization of ${s.methods.length} method(s) on ${s.data.numImages} images (model accuracy ${pct(s.accuracy)}%), ` +
      `explaining the ${s.params.target === 'ground-truth' ? 'ground-truth' : 'predicted'} class:`,
    `  ${'method'.padEnd(width)}  ${'IoU %'.padStart(13)}  ${'best threshold'.padStart(16)}  ${'ms/image'.padStart(8)}`,
    ...s.methods.map((m) =>
      m.error
        ? `  ${m.displayName.padEnd(width)}  failed: ${m.error}`
        : `  ${m.displayName.padEnd(width)}  ${`${pct(m.meanIoU)} ± ${pct(m.stdIoU)}`.padStart(13)}  ${(m.best ? `${pct(m.best.iou)} at ${m.best.threshold.toFixed(2)}` : '–').padStart(16)}  ${(m.msPerImage?.toFixed(1) ?? '–').padStart(8)}`,
    ),
    ...s.warnings.map((w) => `Warning: ${w}`),
    `Wrote ${outDir}/localization.json, localization.md`,
  ];
  return `${lines.join('\n')}\n`;
}

export function summarizeSanity(s: SanityReport, outDir: string): string {
  const width = Math.max(6, ...s.methods.map((m) => m.displayName.length));
  const cols = s.steps.map((st) => String(st.index).padStart(5));
  const row = (name: string, values: (number | undefined)[]) => `  ${name.padEnd(width)}  ${values.map((v) => (v === undefined ? '–' : v.toFixed(2)).padStart(5)).join(' ')}`;
  const lines = [
    `Sanity checks on ${s.images.length} images: Spearman rank correlation with the original explanation, by step`,
    `  (step k = the top k layers re-initialised: ${s.steps.slice(1).map((st) => `${st.index} ${st.layer}`).join(', ')})`,
    `  ${'method'.padEnd(width)}  ${cols.join(' ')}   top vs 2nd class`,
    ...s.methods.map((m, i) => {
      const c = s.classSensitivity[i];
      return `${row(m.displayName, s.steps.map((_, k) => m.spearman[k]?.mean))}   ${c.spearman ? c.spearman.mean.toFixed(2).padStart(16) : '–'.padStart(16)}`;
    }),
    ...s.warnings.map((w) => `Warning: ${w}`),
    `Wrote ${outDir}/sanity.json, sanity.md, sanity.png (SSIM in sanity.md)`,
  ];
  return `${lines.join('\n')}\n`;
}
