/**
 * A small line chart (panels side by side, shared legend below) drawn as SVG and rasterised by
 * sharp: enough for evaluation plots without a plotting dependency.
 */
import sharp from 'sharp';

export interface PlotSeries {
  label: string;
  color: string;
  dashed?: boolean;
  /** One value per x position; NaN leaves a gap. */
  y: number[];
  /** Shaded band (for example mean ± std), same length as y. */
  band?: { low: number[]; high: number[] };
}

export interface PlotPanel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Tick labels of the x positions, spaced evenly. */
  xTicks: string[];
  yRange: [number, number];
  yTickStep: number;
  /** Formats a y tick value. */
  yFormat?: (v: number) => string;
  series: PlotSeries[];
}

export interface PlotFigure {
  title: string;
  subtitle?: string;
  panels: PlotPanel[];
}

const PANEL_W = 470;
const PANEL_H = 340;
const MARGIN = { left: 64, right: 18, top: 34, bottom: 52 };
const HEADER = 58;
const LEGEND = 44;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panelSvg(p: PlotPanel, x0: number, y0: number): string {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const left = x0 + MARGIN.left;
  const top = y0 + MARGIN.top;
  const n = p.xTicks.length;
  // Inset the first and last positions so that their tick labels stay inside the panel.
  const inset = 26;
  const px = (i: number) => left + (n === 1 ? w / 2 : inset + (i * (w - 2 * inset)) / (n - 1));
  const [lo, hi] = p.yRange;
  const py = (v: number) => top + h - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * h;
  const fmt = p.yFormat ?? ((v: number) => String(v));
  const out: string[] = [];
  out.push(`<text x="${left + w / 2}" y="${y0 + 22}" text-anchor="middle" font-size="15" font-weight="bold">${esc(p.title)}</text>`);
  for (let v = lo; v <= hi + 1e-9; v += p.yTickStep) {
    out.push(`<line x1="${left}" x2="${left + w}" y1="${py(v)}" y2="${py(v)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 8}" y="${py(v) + 4}" text-anchor="end" font-size="12">${esc(fmt(v))}</text>`);
  }
  p.xTicks.forEach((label, i) => {
    out.push(`<line x1="${px(i)}" x2="${px(i)}" y1="${top + h}" y2="${top + h + 5}" stroke="#444"/>`);
    out.push(`<text x="${px(i)}" y="${top + h + 19}" text-anchor="middle" font-size="12">${esc(label)}</text>`);
  });
  out.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${left + w / 2}" y="${top + h + 42}" text-anchor="middle" font-size="13">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(${x0 + 18} ${top + h / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(p.yLabel)}</text>`);
  for (const s of p.series) {
    if (s.band) {
      const upper = s.band.high.map((v, i) => `${px(i)},${py(v)}`);
      const lower = s.band.low.map((v, i) => `${px(i)},${py(v)}`).reverse();
      out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`);
    }
  }
  for (const s of p.series) {
    const segments: string[][] = [[]];
    s.y.forEach((v, i) => (Number.isFinite(v) ? segments[segments.length - 1].push(`${px(i)},${py(v)}`) : segments.push([])));
    const dash = s.dashed ? ' stroke-dasharray="7 5"' : '';
    for (const seg of segments) if (seg.length > 1) out.push(`<polyline points="${seg.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.4"${dash}/>`);
    s.y.forEach((v, i) => Number.isFinite(v) && !s.dashed && out.push(`<circle cx="${px(i)}" cy="${py(v)}" r="3.6" fill="${s.color}"/>`));
  }
  return out.join('\n');
}

const LEGEND_ROW = 24;

/** Legend items packed into centred rows no wider than the figure (long lists wrap). */
function legendRows(series: PlotSeries[], width: number): { s: PlotSeries; w: number }[][] {
  // Item width from the label length (about 7.6 px per character at 13 px DejaVu Sans).
  const items = series.map((s) => ({ s, w: 42 + 7.6 * s.label.length + 28 }));
  const rows: { s: PlotSeries; w: number }[][] = [[]];
  let used = 0;
  for (const item of items) {
    const row = rows[rows.length - 1];
    if (row.length > 0 && used + item.w > width - 20) {
      rows.push([item]);
      used = item.w;
    } else {
      row.push(item);
      used += item.w;
    }
  }
  return rows;
}

function legendSvg(rows: { s: PlotSeries; w: number }[][], width: number, top: number): string {
  return rows
    .flatMap((row, r) => {
      const y = top + r * LEGEND_ROW;
      let x = Math.max(10, (width - row.reduce((a, b) => a + b.w, 0)) / 2);
      return row.map(({ s, w }) => {
        const at = x;
        x += w;
        const dash = s.dashed ? ' stroke-dasharray="7 5"' : '';
        const band = s.band ? `<rect x="${at}" y="${y - 9}" width="34" height="18" fill="${s.color}" fill-opacity="0.18"/>` : '';
        return `${band}<line x1="${at}" x2="${at + 34}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2.4"${dash}/><text x="${at + 42}" y="${y + 4}" font-size="13">${esc(s.label)}</text>`;
      });
    })
    .join('\n');
}

export function lineChartSvg(fig: PlotFigure): string {
  const width = PANEL_W * fig.panels.length;
  const rows = legendRows(fig.panels[0]?.series ?? [], width);
  const height = HEADER + PANEL_H + LEGEND + (rows.length - 1) * LEGEND_ROW;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" fill="#222">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="17" font-weight="bold">${esc(fig.title)}</text>`,
    fig.subtitle ? `<text x="${width / 2}" y="45" text-anchor="middle" font-size="12" fill="#555">${esc(fig.subtitle)}</text>` : '',
    ...fig.panels.map((p, i) => panelSvg(p, i * PANEL_W, HEADER)),
    legendSvg(rows, width, HEADER + PANEL_H + LEGEND / 2),
    '</svg>',
  ].join('\n');
}

export async function lineChartPng(fig: PlotFigure): Promise<Buffer> {
  return sharp(Buffer.from(lineChartSvg(fig))).png({ compressionLevel: 9 }).toBuffer();
}
