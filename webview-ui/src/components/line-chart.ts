/**
 * A line chart drawn as SVG at the panel's own width (re-drawn when the width changes), so its text
 * stays at the editor's font size at 400 px as at 1200 px, where a scaled PNG shrank to 5 px. The
 * legend is HTML below the plot and wraps; each point has a tooltip.
 */
import { h, s } from '../dom';
import { niceTicks } from './chart-ticks';
import { seriesClass } from './series-colors';

export interface LineSeries {
  name: string;
  /** One value per x position; null leaves a gap. */
  values: Array<number | null>;
  /** Optional +- spread drawn as a band (e.g. random draws' standard deviation). */
  spread?: Array<number | null>;
  dashed?: boolean;
}

export interface LineChartOptions {
  xLabels: string[];
  series: LineSeries[];
  yMin: number;
  yMax: number;
  yLabel: string;
  xLabel: string;
  format: (value: number) => string;
  ariaLabel: string;
  testId?: string;
}

const HEIGHT = 220;
const MARGIN = { top: 10, right: 12, bottom: 46, left: 44 };
const MIN_WIDTH = 240;

function draw(svg: SVGSVGElement, width: number, options: LineChartOptions): void {
  const { xLabels, series } = options;
  const yTicks = niceTicks(options.yMin, options.yMax);
  const yMin = yTicks[0];
  const yMax = yTicks[yTicks.length - 1];
  svg.replaceChildren();
  svg.setAttribute('width', String(width));
  svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  // Room for half of the last x label, centred on the right edge of the plot.
  const right = Math.max(MARGIN.right, (xLabels[xLabels.length - 1]?.length ?? 0) * 3.5);
  const plotW = width - MARGIN.left - right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number) => MARGIN.left + (xLabels.length <= 1 ? plotW / 2 : (i * plotW) / (xLabels.length - 1));
  const y = (v: number) => MARGIN.top + plotH - ((Math.min(yMax, Math.max(yMin, v)) - yMin) / (yMax - yMin)) * plotH;
  for (const t of yTicks) {
    svg.appendChild(s('line', { class: 'chart-grid', x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(t), y2: y(t) }));
    svg.appendChild(s('text', { class: 'line-chart__tick', x: MARGIN.left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, options.format(t)));
  }
  // Labels of every x position when they fit; otherwise every k-th, the rest in the point tooltips.
  const room = plotW / Math.max(1, xLabels.length - 1);
  const longest = Math.max(...xLabels.map((l) => l.length));
  const every = Math.max(1, Math.ceil((longest * 6.5) / Math.max(1, room)));
  xLabels.forEach((label, i) => {
    if (i % every !== 0) return;
    svg.appendChild(s('text', { class: 'line-chart__tick', x: x(i), y: MARGIN.top + plotH + 14, 'text-anchor': 'middle' }, label));
  });
  svg.appendChild(s('text', { class: 'line-chart__axis', x: MARGIN.left + plotW / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, options.xLabel));
  series.forEach((line, k) => {
    const colour = seriesClass(k);
    if (line.spread) {
      const upper: string[] = [];
      const lower: string[] = [];
      line.values.forEach((v, i) => {
        const d = line.spread?.[i];
        if (v === null || d === null || d === undefined) return;
        upper.push(`${x(i)},${y(v + d)}`);
        lower.unshift(`${x(i)},${y(v - d)}`);
      });
      if (upper.length > 1) svg.appendChild(s('polygon', { class: `${colour} chart-band`, points: [...upper, ...lower].join(' ') }));
    }
    let path = '';
    line.values.forEach((v, i) => {
      if (v === null) return;
      path += `${path === '' || line.values[i - 1] === null ? 'M' : 'L'}${x(i)},${y(v)}`;
    });
    svg.appendChild(s('path', { class: `${colour} chart-line${line.dashed ? ' chart-line--dashed' : ''}`, d: path }));
    line.values.forEach((v, i) => {
      if (v === null) return;
      svg.appendChild(s('circle', { class: `${colour} chart-point`, cx: x(i), cy: y(v), r: 3 }, s('title', null, `${line.name}, ${options.xLabel} ${xLabels[i]}: ${options.format(v)}`)));
    });
  });
}

export function lineChart(options: LineChartOptions): HTMLElement {
  const svg = s('svg', { class: 'line-chart', height: HEIGHT, role: 'img', 'aria-label': options.ariaLabel });
  const box = h('div', { class: 'line-chart-box', 'data-testid': options.testId ?? 'line-chart' }, h('p', { class: 'chart-y-label' }, options.yLabel), svg);
  const legend = h('ul', { class: 'chart-legend', 'aria-label': 'Series' },
    options.series.map((line, k) => h('li', null, h('span', { class: `chart-swatch ${seriesClass(k)}${line.dashed ? ' chart-swatch--dashed' : ''}`, 'aria-hidden': 'true' }), line.name)));
  let drawn = 0;
  const redraw = () => {
    const width = Math.max(MIN_WIDTH, Math.floor(box.clientWidth));
    if (width === drawn) return;
    drawn = width;
    draw(svg, width, options);
  };
  // Drawn once attached (its width is known then), again whenever the panel is resized.
  new ResizeObserver(redraw).observe(box);
  draw(svg, 480, options);
  return h('div', { class: 'line-chart-figure' }, box, legend);
}
