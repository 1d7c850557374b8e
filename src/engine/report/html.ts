/** Small helpers shared by the HTML report pages: escaping and the page frame. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A probability as a percentage that stays readable for tiny values. */
export function formatPercent(probability: number): string {
  const percent = 100 * probability;
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}

export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --line: #d1d9e0; --accent: #0969da; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d; --accent: #4493f8; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.muted { color: var(--muted); } .bad { color: var(--bad); }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--card); font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(214px, 1fr)); gap: 12px; }
.tiles .card div { font-size: 13px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
.card img { image-rendering: pixelated; display: block; max-width: 100%; }
.feature { display: grid; grid-template-columns: auto auto 1fr; gap: 10px; align-items: start; margin: 8px 0; }
.feature figure { margin: 0; } .feature figcaption { font-size: 12px; color: var(--muted); }
.bar { display: inline-block; height: 10px; background: var(--accent); vertical-align: middle; border-radius: 2px; }
.kv td:first-child { color: var(--muted); } code { font-size: 12px; }
nav a { margin-right: 12px; color: var(--accent); }
details > summary { cursor: pointer; }
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

export function image(src: string, alt: string, attrs = ''): string {
  return `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" ${attrs}>`;
}
