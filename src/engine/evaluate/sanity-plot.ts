/** sanity.png: similarity with the original explanation against the randomisation step, one line per method. */
import type { SanityReport } from '../../shared/evaluation';
import { type PlotPanel, type PlotSeries, lineChartPng } from './plot-lines';

/** One colour per method, the same in every plot; VEBI in red. */
const COLOURS: Record<string, string> = {
  vebi: '#d62728',
  'upsampled-activations': '#ff7f0e',
  deconvnet: '#8c564b',
  'guided-backprop': '#2ca02c',
  gradcam: '#1f77b4',
  'guided-gradcam': '#17becf',
  'gradcam-plus-plus': '#9467bd',
  'guided-gradcam-plus-plus': '#e377c2',
  gradient: '#7f7f7f',
  'integrated-gradients': '#bcbd22',
  smoothgrad: '#111111',
};

/** Layer names when they fit under their tick, else step numbers (the layers are then in the subtitle). */
function ticks(s: SanityReport, panelWidth = 360): { labels: string[]; named: boolean } {
  const named = s.steps.map((st) => (st.layer === null ? 'original' : st.layer));
  const room = panelWidth / Math.max(1, s.steps.length - 1);
  const fits = named.every((label) => label.length * 7 <= room);
  return fits ? { labels: named, named: true } : { labels: s.steps.map((st) => String(st.index)), named: false };
}

function panel(s: SanityReport, metric: 'spearman' | 'ssim', title: string, yLabel: string, labels: string[]): PlotPanel {
  // VEBI last, so that its line is drawn on top of the others.
  const series: PlotSeries[] = [...s.methods.filter((m) => m.name !== 'vebi'), ...s.methods.filter((m) => m.name === 'vebi')]
    .filter((m) => m[metric].length > 0)
    .map((m) => ({ label: m.displayName, color: COLOURS[m.name] ?? '#444444', y: s.steps.map((_, k) => m[metric][k]?.mean ?? NaN) }));
  const values = series.flatMap((p) => p.y).filter(Number.isFinite);
  // The scale starts at 0, or lower (in steps of 0.2) when a similarity goes negative.
  const low = Math.min(0, Math.floor(Math.min(...values, 0) * 5) / 5);
  return { title, xLabel: 'top layers re-initialised (cumulative)', yLabel, xTicks: labels, yRange: [low, 1], yTickStep: 0.2, yFormat: (v) => v.toFixed(1), series };
}

export function renderSanityPlot(s: SanityReport): Promise<Buffer> {
  const name = s.model.path.split(/[\\/]/).slice(-2).join('/');
  const { labels, named } = ticks(s);
  const steps = named ? '' : `; steps: ${s.steps.slice(1).map((st) => `${st.index} ${st.layer}`).join(', ')}`;
  return lineChartPng({
    title: 'Sanity check: cascading randomisation from the top layer',
    subtitle: `${name}, mean over ${s.images.length} images${steps}`,
    panels: [panel(s, 'spearman', 'Spearman rank correlation', 'with the original explanation', labels), panel(s, 'ssim', 'SSIM', 'with the original explanation', labels)],
  });
}
