/**
 * Relevant features per class, stacked by layer: one row per class, one SVG segment per layer
 * (one colour per layer, with a legend). Labels are HTML beside the bars so they stay crisp at any
 * panel width; each bar carries its own accessible label and a tooltip per segment.
 */
import type { InterpretReport } from '../../../src/shared/report';
import { h, linkButton, s } from '../dom';
import type { ViewContext } from '../view-context';
import { layerLink } from './layer-link';
import { seriesClass } from './series-colors';

/** Feature layers that hold at least one relevant feature, in model order. */
export function chartedLayers(report: InterpretReport): string[] {
  const used = new Set(report.classes.flatMap((c) => Object.entries(c.perLayer).filter(([, n]) => n > 0).map(([layer]) => layer)));
  return report.model.layers.filter((l) => l.isFeature && used.has(l.name)).map((l) => l.name);
}

function niceStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= rough) ?? magnitude * 10;
}

function rowLabel(report: InterpretReport, classIndex: number, layers: string[]): string {
  const c = report.classes[classIndex];
  const parts = layers.map((layer) => [layer, c.perLayer[layer] ?? 0] as const).filter(([, n]) => n > 0).map(([layer, n]) => `${layer} ${n}`);
  return `Class ${c.name}: ${c.relevant.length} relevant features${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function bar(report: InterpretReport, classIndex: number, layers: string[], max: number, ticks: number[]): SVGSVGElement {
  const c = report.classes[classIndex];
  const svg = s('svg', { class: 'chart-bar', viewBox: `0 0 ${max} 1`, preserveAspectRatio: 'none', role: 'img', 'aria-label': rowLabel(report, classIndex, layers) });
  for (const t of ticks) svg.appendChild(s('line', { class: 'chart-grid', x1: t, x2: t, y1: 0, y2: 1, 'vector-effect': 'non-scaling-stroke' }));
  let x = 0;
  layers.forEach((layer, i) => {
    const n = c.perLayer[layer] ?? 0;
    if (n <= 0) return;
    svg.appendChild(s('rect', { class: seriesClass(i), x, y: 0.15, width: n, height: 0.7, 'vector-effect': 'non-scaling-stroke' }, s('title', null, `class ${c.name}, ${layer}: ${n} relevant feature${n === 1 ? '' : 's'}`)));
    x += n;
  });
  return svg;
}

function legend(layers: string[], ctx: ViewContext): HTMLElement {
  return h('ul', { class: 'chart-legend', 'aria-label': 'Layers' }, layers.map((layer, i) => h('li', null, h('span', { class: `chart-swatch ${seriesClass(i)}`, 'aria-hidden': 'true' }), layerLink(layer, ctx))));
}

export function layerChart(report: InterpretReport, ctx: ViewContext): HTMLElement {
  const layers = chartedLayers(report);
  if (layers.length === 0) return h('p', { class: 'muted' }, 'No class has a relevant feature (every fitted weight is zero).');
  const max = Math.max(1, ...report.classes.map((c) => c.relevant.length));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);

  const axis = h('div', { class: 'chart-axis', 'aria-hidden': 'true' }, ticks.map((t) => {
    const label = h('span', { class: 'chart-tick' }, String(t));
    label.style.left = `${(100 * t) / top}%`;
    return label;
  }));
  const rows = report.classes.map((c, i) =>
    h('div', { class: 'chart-row' },
      h('span', { class: 'chart-label' }, linkButton(c.name, `Show class ${c.name}`, () => ctx.showClass(i))),
      h('span', { class: 'chart-track' }, bar(report, i, layers, top, ticks)),
      h('span', { class: 'chart-value' }, String(c.relevant.length)),
    ),
  );
  return h('figure', { class: 'chart' },
    legend(layers, ctx),
    h('div', { class: 'chart-body' }, h('div', { class: 'chart-row chart-row--axis' }, h('span', { class: 'chart-label' }), h('span', { class: 'chart-track' }, axis), h('span', { class: 'chart-value' })), rows),
    h('figcaption', { class: 'muted' }, 'Relevant features per class (non-negative fit), stacked by the layer they come from. Click a class to see its features, a layer to open its definition.'),
  );
}
