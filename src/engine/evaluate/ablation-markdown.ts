/** ablation.md: the figures of ablation.json as two Markdown tables (ablated class, other classes). */
import type { AblationPoint, AblationSummary, ClassVsOthers } from './ablation-types';

const pct = (v: number) => (100 * v).toFixed(1);

function cell(p: AblationPoint, side: keyof ClassVsOthers): string {
  const r = p.random[side];
  return `${pct(p.relevant[side])} / ${pct(r.mean)} ± ${pct(r.std)}`;
}

function table(s: AblationSummary, side: keyof ClassVsOthers): string {
  const head = ['class', 'relevant', 'intact', ...s.params.counts.map((n) => `n = ${n}`)];
  const rows = s.classes.map((c) => [c.name, String(c.relevant.length), pct(c.baseline[side]), ...c.points.map((p) => cell(p, side))]);
  const meanRelevant = (s.classes.reduce((a, c) => a + c.relevant.length, 0) / s.classes.length).toFixed(1);
  rows.push(['**mean**', meanRelevant, pct(s.average.baseline[side]), ...s.average.points.map((p) => cell(p, side))]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function ablationMarkdown(s: AblationSummary): string {
  const counts = s.classes.map((c) => c.points.map((p) => p.ablated));
  const capped = counts.some((list, c) => list.some((k, i) => s.params.counts[i] !== 'all' && k < (s.params.counts[i] as number)) && s.classes[c].relevant.length > 0);
  return [
    '# Feature ablation',
    '',
    `Model \`${s.model.path}\` (${s.model.featureCount} features), relevant features from \`${s.report}\`, ` +
      `${s.data.numImages} images of \`${s.data.path}\`; intact top-1 accuracy ${pct(s.baselineAccuracy)}%.`,
    '',
    `Cells: accuracy (%) with the class's top-n relevant features zeroed / with n random features zeroed ` +
      `(mean ± std over ${s.params.draws} draws from all ${s.model.featureCount} features, seed ${s.params.seed}).` +
      (capped ? ' n is capped at the class\'s number of relevant features.' : ''),
    '',
    '## Accuracy on the ablated class',
    '',
    table(s, 'class'),
    '',
    '## Accuracy on the other classes',
    '',
    table(s, 'others'),
    '',
    ...(s.warnings.length ? ['## Warnings', '', ...s.warnings.map((w) => `- ${w}`), ''] : []),
  ].join('\n');
}
