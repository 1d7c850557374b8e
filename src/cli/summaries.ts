/** What the CLI prints on stdout when a command finishes. */
import type { ExplanationReport, InterpretReport } from '../shared/report';
import { backendLabel } from '../shared/report';

export function summarizeInterpretation(report: InterpretReport, outDir: string, cached: boolean): string {
  const lines = [
    `Report: ${outDir}/index.html${cached ? ' (from cache)' : ''}`,
    `Model: ${report.model.featureCount} features in ${report.model.layers.filter((l) => l.isFeature).length} layers; backend ${backendLabel(report)}`,
    `Data: ${report.data.numImages} images, ${report.data.skipped.length} skipped; accuracy ${(100 * report.data.accuracy).toFixed(2)}%`,
    `Relevant features (mu = ${report.params.mu}):`,
    ...report.classes.map((c) => `  ${c.name.padEnd(12)} ${String(c.relevant.length).padStart(4)}  ${Object.entries(c.perLayer).map(([layer, n]) => `${layer}:${n}`).join(' ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function summarizeExplanation(report: ExplanationReport, outDir: string): string {
  const top = report.prediction.probabilities[report.prediction.classIndex];
  const lines = [
    `Explanation: ${outDir}/index.html`,
    `Prediction: ${report.prediction.className} (${(100 * (top?.probability ?? 0)).toFixed(1)}%)`,
    ...report.features.map((f, i) => `  ${i + 1}. ${f.layer} #${f.channel}  score ${f.score.toFixed(4)}`),
    ...report.absent.filter((a) => a.flagged).map((a) => `  absent-evidence feature fires: ${a.layer} #${a.channel} (${(100 * a.relativeResponse).toFixed(0)}% of its best)`),
    ...(report.warnings ?? []).map((w) => `Warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
