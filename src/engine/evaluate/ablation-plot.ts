/** ablation.png: accuracy against n, relevant vs random (mean ± std band), averaged over classes. */
import type { AblationSummary, ClassVsOthers } from './ablation-types';
import { type PlotPanel, lineChartPng } from './plot-lines';

function panel(s: AblationSummary, side: keyof ClassVsOthers, title: string): PlotPanel {
  // The intact model is the point n = 0 of both curves (unless 0 was asked for explicitly).
  const base = s.average.baseline[side];
  const asked = s.average.points;
  const points = asked.some((p) => p.n === 0) ? asked : [{ n: 0, ablated: 0, relevant: s.average.baseline, random: { class: { mean: s.average.baseline.class, std: 0 }, others: { mean: s.average.baseline.others, std: 0 } } }, ...asked];
  const random = points.map((p) => p.random[side]);
  return {
    title,
    xLabel: 'features zeroed per class (n)',
    yLabel: 'accuracy (%)',
    // 'all' is labelled with the mean number of relevant features it stands for.
    xTicks: points.map((p) => (p.n === 'all' ? `all (${p.ablated.toFixed(1)})` : String(p.n))),
    yRange: [0, 1],
    yTickStep: 0.2,
    yFormat: (v) => (100 * v).toFixed(0),
    series: [
      { label: 'intact model', color: '#9a9a9a', dashed: true, y: points.map(() => base) },
      {
        label: 'n random features zeroed (mean ± std)',
        color: '#1f77b4',
        dashed: true,
        y: random.map((r) => r.mean),
        band: { low: random.map((r) => r.mean - r.std), high: random.map((r) => r.mean + r.std) },
      },
      { label: 'top-n relevant features zeroed', color: '#d62728', y: points.map((p) => p.relevant[side]) },
    ],
  };
}

export function renderAblationPlot(s: AblationSummary): Promise<Buffer> {
  const name = s.model.path.split(/[\\/]/).slice(-2).join('/');
  return lineChartPng({
    title: 'Feature ablation: relevant vs random features',
    subtitle: `${name}, ${s.data.numImages} images, ${s.classes.length} classes, mean over classes; random: ${s.params.draws} draws (seed ${s.params.seed})`,
    panels: [panel(s, 'class', 'Accuracy on the ablated class'), panel(s, 'others', 'Accuracy on the other classes')],
  });
}
