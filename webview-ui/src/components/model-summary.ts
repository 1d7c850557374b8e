/** The interpretation at a glance: model, data, accuracy, parameters and timings, as label/value pairs. */
import type { ShownInterpretation } from '../../../src/shared/panel-protocol';
import { h, linkButton, type Child } from '../dom';
import type { ViewContext } from '../view-context';
import { baseName, formatInteger, formatPercent, formatPreprocessing, formatShape, formatTimings } from '../format';
import { backendLabel } from '../../../src/shared/report';

function pair(label: string, ...value: Child[]): Child[] {
  return [h('dt', null, label), h('dd', null, ...value)];
}

function muted(text: string): HTMLElement {
  return h('span', { class: 'muted' }, text);
}

export function modelSummary(shown: ShownInterpretation, ctx: ViewContext): HTMLElement {
  const { report } = shown;
  const featureLayers = report.model.layers.filter((l) => l.isFeature);
  const { params, data } = report;
  const timings = formatTimings(report.timings);
  return h('div', { class: 'summary' },
    h('dl', { class: 'kv', 'aria-label': 'Model' },
      pair('Model', h('span', { class: 'path', title: report.model.path }, baseName(report.model.path)), ' ', muted(report.model.format)),
      pair('Input', formatShape(report.model.inputShape)),
      pair('Classes', formatInteger(report.model.numClasses)),
      pair('Features', `${formatInteger(report.model.featureCount)} in ${featureLayers.length} layer${featureLayers.length === 1 ? '' : 's'}`),
      pair('Backend', backendLabel(report)),
    ),
    h('dl', { class: 'kv', 'aria-label': 'Data' },
      pair(
        'Data',
        h('span', { class: 'path', title: data.path, 'data-testid': 'data-folder' }, shown.dataLabel ?? baseName(data.path)),
        ' ',
        linkButton('Change\u2026', 'Interpret again on another labelled folder', () => ctx.post({ type: 'changeDataFolder' }), { 'data-testid': 'change-data-folder' }),
      ),
      pair('Images', formatInteger(data.numImages), data.skipped.length ? h('span', { class: 'warning-text' }, ` (${formatInteger(data.skipped.length)} skipped)`) : muted(' (none skipped)')),
      pair('Accuracy', h('strong', null, formatPercent(data.accuracy, 2)), muted(' top-1 on this folder')),
      pair('Labels', params.labels === 'gt' ? 'ground truth (folder names)' : "the model's predictions"),
      pair('Created', new Date(report.createdAt).toLocaleString(), ' ', shown.cached ? h('vscode-badge', { variant: 'default', title: 'Returned from the result cache: same model, data and parameters' }, 'from cache') : null),
    ),
    h('dl', { class: 'kv', 'aria-label': 'Parameters' },
      pair('L1 budget \u03bc', String(params.mu)),
      pair('Top-k crops', String(params.topK)),
      pair('Preprocessing', formatPreprocessing(params.preprocessing)),
      pair('L2 normalise', params.l2Normalize ? 'yes' : 'no'),
      pair('Layers', params.layers?.length ? params.layers.join(', ') : 'every feature layer'),
    ),
    h('dl', { class: 'kv', 'aria-label': 'Timings' }, timings.flatMap(([label, value]) => pair(label.charAt(0).toUpperCase() + label.slice(1), value))),
  );
}
