/** index.html of an interpretation report: overview, relevant features per layer, every class. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { InterpretReport, WeightedFeature } from '../../shared/report';
import { backendLabel } from '../../shared/report';
import { escapeHtml, formatNumber, image, page } from './html';

export function renderInterpretHtml(report: InterpretReport): string {
  const featureLayers = report.model.layers.filter((l) => l.isFeature);
  const overview = `
<h1>VEBI interpretation</h1>
<p class="muted">${escapeHtml(report.model.path)} on ${escapeHtml(report.data.path)} &middot; ${escapeHtml(report.createdAt)} &middot; backend ${escapeHtml(backendLabel(report))}</p>
<nav>${report.classes.map((c) => `<a href="#class-${c.index}">${escapeHtml(c.name)}</a>`).join('')}</nav>
${report.warnings?.length ? `<div class="bad" role="status"><strong>Check the inputs</strong><ul>${report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : ''}
<h2>Overview</h2>
<table class="kv">
<tr><td>Model</td><td>${escapeHtml(report.model.format)}, input ${report.model.inputShape.join('&times;')}, ${report.model.numClasses} classes, ${report.model.featureCount} features in ${featureLayers.length} layers</td></tr>
<tr><td>Data</td><td>${report.data.numImages} images, ${report.data.skipped.length} skipped</td></tr>
<tr><td>Accuracy on the folder</td><td>${formatNumber(100 * report.data.accuracy, 2)}%</td></tr>
<tr><td>Parameters</td><td><code>${escapeHtml(JSON.stringify(report.params))}</code></td></tr>
<tr><td>Time</td><td>${escapeHtml(formatTimings(report.timings))}</td></tr>
</table>
${layerTable(report)}
${report.data.skipped.length ? `<details><summary class="bad">${report.data.skipped.length} files skipped</summary><ul>${report.data.skipped.map((s) => `<li><code>${escapeHtml(s.path)}</code>: ${escapeHtml(s.reason)}</li>`).join('')}</ul></details>` : ''}
`;
  const classes = report.classes.map((c) => `
<h2 id="class-${c.index}">Class ${escapeHtml(c.name)} <span class="muted">(${c.count} images, accuracy ${formatNumber(100 * (report.data.perClassAccuracy[c.index] ?? 0), 1)}%)</span></h2>
<p class="muted">${c.relevant.length} relevant features (non-negative fit, ||w||&#8321; = ${formatNumber(c.solve.l1)}, objective ${formatNumber(c.solve.objective)}, KKT ${formatNumber(c.solve.kktViolation)}); signed fit: ${c.present.length} present, ${c.absent.length} absent.</p>
<h3>Relevant features</h3>${featureList(report, c.relevant)}
<details><summary>Signed fit: must be present (${c.present.length}) / must be absent (${c.absent.length})</summary>
<h3>Present</h3>${featureList(report, c.present.filter((f) => f.visual))}
<h3>Absent</h3>${featureList(report, c.absent.filter((f) => f.visual))}
</details>`).join('');
  return page('VEBI interpretation', overview + classes);
}

function formatTimings(t: Record<string, number>): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`);
  return [
    `total ${seconds(t.totalMs)}`,
    `loading ${seconds(t.loadMs)}`,
    `features ${seconds(t.featuresMs)}${t.imagesPerSecond ? ` (${Math.round(t.imagesPerSecond)} images/s${t.gramMs !== undefined ? `, Gram matrix ${seconds(t.gramMs)} of it` : ''})` : ''}`,
    `solver ${seconds(t.solveMs)}`,
    `visualisations ${seconds(t.visualsMs)}`,
  ].join(', ');
}

function layerTable(report: InterpretReport): string {
  const layers = report.model.layers.filter((l) => l.isFeature);
  const max = Math.max(1, ...report.classes.flatMap((c) => Object.values(c.perLayer)));
  const head = `<tr><th>class</th>${layers.map((l) => `<th>${escapeHtml(l.name)}<br><span class="muted">${escapeHtml(l.className)} &middot; ${l.channels}</span></th>`).join('')}<th>total</th></tr>`;
  const rows = report.classes.map((c) => `<tr><td>${escapeHtml(c.name)}</td>${layers.map((l) => {
    const n = c.perLayer[l.name] ?? 0;
    return `<td class="num">${n ? `<span class="bar" style="width:${Math.round((40 * n) / max)}px"></span> ` : ''}${n}</td>`;
  }).join('')}<td class="num">${c.relevant.length}</td></tr>`).join('');
  return `<h3>Relevant features per class and layer</h3><table>${head}${rows}</table>`;
}

function featureList(report: InterpretReport, features: WeightedFeature[]): string {
  if (features.length === 0) return '<p class="muted">None.</p>';
  return features.map((f) => {
    const visual = f.visual ? report.visuals[f.visual] : undefined;
    const title = `${escapeHtml(f.layer)} #${f.channel} &middot; w = ${formatNumber(f.weight, 4)}`;
    if (!visual) return `<div class="card">${title}</div>`;
    return `<div class="feature card">
<figure>${image(visual.average, `average of top crops of ${f.layer} channel ${f.channel}`, 'width="96"')}<figcaption>average crop</figcaption></figure>
<figure>${image(visual.guided, `average guided backprop of ${f.layer} channel ${f.channel}`, 'width="96"')}<figcaption>guided backprop</figcaption></figure>
<figure><div>${title}</div>${image(visual.strip, `top images of ${f.layer} channel ${f.channel}`)}<figcaption>top ${visual.topImages.length} crops</figcaption></figure>
</div>`;
  }).join('');
}

export async function writeInterpretHtml(dir: string, report: InterpretReport): Promise<void> {
  await fs.writeFile(path.join(dir, 'index.html'), renderInterpretHtml(report));
}
