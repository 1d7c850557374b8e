/** index.html of an explanation: prediction, combined heatmap, each feature's heatmap beside its interpretation. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ExplanationReport, FeatureVisual } from '../../shared/report';
import { backendLabel } from '../../shared/report';
import { EXPLANATION_METHODS } from '../../shared/params';
import { escapeHtml, formatNumber, formatPercent, image, page } from './html';

export function renderExplainHtml(report: ExplanationReport, visuals: Record<string, FeatureVisual>): string {
  const probs = [...report.prediction.probabilities].sort((a, b) => b.probability - a.probability).slice(0, 5);
  const features = report.features.map((f, i) => {
    const visual = f.visual ? visuals[f.visual] : undefined;
    return `<div class="feature card">
<figure>${image(f.overlay, `heatmap of feature ${i + 1}`, 'width="192"')}<figcaption>where it fires here</figcaption></figure>
${visual ? `<figure>${image(visual.average, 'interpretation', 'width="96"')}<figcaption>what it has learned</figcaption></figure>` : '<div></div>'}
<div><b>${i + 1}. ${escapeHtml(f.layer)} #${f.channel}</b><br>score ${formatNumber(f.score, 4)} &middot; weight ${formatNumber(f.weight, 4)} &middot; response ${formatNumber(f.response, 3)}
${visual ? `<br>${image(visual.strip, 'top training crops')}` : ''}</div></div>`;
  }).join('');
  const absent = report.absent.length
    ? `<table><tr><th>feature</th><th>weight</th><th>response vs training best</th><th></th></tr>${report.absent.map((a) => `<tr><td>${escapeHtml(a.layer)} #${a.channel}</td><td class="num">${formatNumber(a.weight, 4)}</td><td class="num">${formatNumber(100 * a.relativeResponse, 1)}%</td><td>${a.flagged ? `<span class="bad">fires here</span>${a.overlay ? ` ${image(a.overlay, 'where it fires', 'width="96"')}` : ''}` : ''}</td></tr>`).join('')}</table>`
    : '<p class="muted">No negative-weight features for this class.</p>';
  const method = report.method;
  // A baseline method's report has one map and no features: the VEBI sections would be empty.
  const sections = method
    ? `<h2>${escapeHtml(method.displayName)}</h2><p>${escapeHtml(EXPLANATION_METHODS.find((m) => m.name === method.name)?.description ?? '')}</p><p class="muted">${escapeHtml(Object.entries(method.settings).map(([k, v]) => `${k} ${String(v)}`).join(' \u00b7 ') || 'default settings')}</p>`
    : `<h2>Top ${report.features.length} relevant features, each beside its interpretation</h2>
${features || '<p class="muted">No relevant feature of this class responds in this image.</p>'}
<h2>Evidence that must be absent</h2>${absent}`;
  const body = `
<h1>Prediction: ${escapeHtml(report.prediction.className)} <span class="muted">(${escapeHtml(formatPercent(report.prediction.probabilities[report.prediction.classIndex]?.probability ?? 0))})</span></h1>
<p class="muted">${escapeHtml(report.image)} &middot; ${escapeHtml(report.createdAt)} &middot; backend ${escapeHtml(backendLabel(report))} &middot; ${method ? `method ${escapeHtml(method.displayName)}` : `strided fix ${report.params.stridedFix ? 'on' : 'off'}`}</p>
${report.warnings?.length ? `<div class="bad" role="status"><strong>Unlike the interpreted data</strong><ul>${report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : ''}
<div class="grid">
<div class="card">${image(report.input, 'input image', 'width="256"')}<div class="muted">input</div></div>
<div class="card">${image(report.combined.overlay, 'combined explanation', 'width="256"')}<div class="muted">${method ? escapeHtml(method.displayName) : 'combined explanation'}</div></div>
<div class="card"><table>${probs.map((p) => `<tr><td>${escapeHtml(p.className)}</td><td class="num"><span class="bar" style="width:${Math.round(100 * p.probability)}px"></span> ${escapeHtml(formatPercent(p.probability))}</td></tr>`).join('')}</table></div>
</div>
${sections}`;
  return page(`VEBI explanation: ${report.prediction.className}`, body);
}

export async function writeExplainHtml(dir: string, report: ExplanationReport, visuals: Record<string, FeatureVisual>): Promise<void> {
  await fs.writeFile(path.join(dir, 'index.html'), renderExplainHtml(report, visuals));
}
