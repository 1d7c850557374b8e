/** Overview: what was interpreted, how well the model does, and where the relevant features live. */
import { h, linkButton } from '../dom';
import { formatInteger } from '../format';
import { classLayerTable } from '../components/class-layer-table';
import { layerChart } from '../components/layer-chart';
import { layerTable } from '../components/layer-table';
import { modelSummary } from '../components/model-summary';
import type { ViewContext } from '../view-context';
import { emptyState } from './empty-state';

function section(title: string, ...children: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'section' }, h('h2', null, title), ...children);
}

export function overviewView(ctx: ViewContext): HTMLElement {
  const shown = ctx.state.panel.interpretation;
  if (!shown) return emptyState(ctx, 'overview');
  const { report } = shown;
  const skipped = report.data.skipped;
  const skippedList = skipped.length
    ? h('vscode-collapsible', { heading: `${formatInteger(skipped.length)} file${skipped.length === 1 ? '' : 's'} skipped`, description: 'unreadable or refused images' },
        h('ul', { class: 'skipped-list' }, skipped.map((f) => h('li', null, h('code', null, f.path), ': ', f.reason))))
    : null;
  const warnings = report.warnings?.length
    ? h('div', { class: 'report-warnings', role: 'status', 'data-testid': 'report-warnings' },
        h('strong', null, 'Check the inputs'),
        h('ul', null, report.warnings.map((w) => h('li', null, w))),
        linkButton('Interpret on another data folder\u2026', 'Pick another labelled folder and interpret again', () => ctx.post({ type: 'changeDataFolder' }), { 'data-testid': 'warnings-change-data-folder' }))
    : null;
  return h('div', { class: 'view view--overview' },
    warnings,
    modelSummary(shown, ctx),
    skippedList,
    section('Relevant features per class and layer', layerChart(report, ctx), classLayerTable(report, ctx)),
    section('Layers', layerTable(report, ctx)),
  );
}
