/** index.html of a methods comparison: the input, then one overlay per method with its time. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ComparisonReport } from '../../shared/evaluation';
import { backendLabel } from '../../shared/report';
import { escapeHtml, formatNumber, formatPercent, image, page } from '../report/html';

export function renderComparisonHtml(report: ComparisonReport): string {
  const cards = report.methods
    .map((m) =>
      m.overlay
        ? `<div class="card">${image(m.overlay, `${m.displayName} heatmap`, 'width="192"')}<div><b>${escapeHtml(m.displayName)}</b> <span class="muted">${formatNumber(m.ms, 0)} ms</span></div>${m.settings.note ? `<div class="muted">${escapeHtml(String(m.settings.note))}</div>` : ''}</div>`
        : `<div class="card"><div><b>${escapeHtml(m.displayName)}</b></div><p class="bad">${escapeHtml(m.error ?? 'no map')}</p></div>`,
    )
    .join('');
  const body = `
<h1>Explanation methods side by side</h1>
<p class="muted">${escapeHtml(report.image)} &middot; prediction ${escapeHtml(report.prediction.className)} (${escapeHtml(formatPercent(report.prediction.probability))}) &middot; explained class ${escapeHtml(report.explained.className)} &middot; backend ${escapeHtml(backendLabel(report))}</p>
<div class="tiles"><div class="card">${image(report.input, 'input image', 'width="192"')}<div class="muted">input</div></div>${cards}</div>`;
  return page(`VEBI: methods on ${path.basename(report.image)}`, body);
}

export async function writeComparisonHtml(dir: string, report: ComparisonReport): Promise<void> {
  await fs.writeFile(path.join(dir, 'index.html'), renderComparisonHtml(report));
}
