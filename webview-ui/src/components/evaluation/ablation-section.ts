/** Accuracy when each class's relevant features are zeroed, against as many random features: table and plot. */
import type { ShownEvaluation } from '../../../../src/shared/panel-protocol';
import { h } from '../../dom';
import { baseName, formatInteger, formatPercent } from '../../format';
import { lineChart } from '../line-chart';

type Shown = Extract<ShownEvaluation, { kind: 'ablation' }>;

/** Accuracy against the number of features zeroed: relevant (solid) against random (dashed, +- std). */
function ablationChart(summary: Shown['summary']): HTMLElement {
  const { average } = summary;
  const points = average.points;
  return lineChart({
    xLabels: ['0', ...points.map((p) => (p.n === 'all' ? 'all' : String(p.n)))],
    series: [
      { name: 'relevant zeroed, on the class', values: [average.baseline.class, ...points.map((p) => p.relevant.class)] },
      { name: 'random zeroed, on the class', values: [average.baseline.class, ...points.map((p) => p.random.class.mean)], spread: [0, ...points.map((p) => p.random.class.std)], dashed: true },
      { name: 'relevant zeroed, other classes', values: [average.baseline.others, ...points.map((p) => p.relevant.others)] },
      { name: 'random zeroed, other classes', values: [average.baseline.others, ...points.map((p) => p.random.others.mean)], dashed: true },
    ],
    yMin: 0,
    yMax: 1,
    yLabel: 'Accuracy',
    xLabel: 'features zeroed',
    format: (v) => formatPercent(v, 0),
    ariaLabel: 'Accuracy against the number of zeroed features, relevant vs random',
    testId: 'ablation-chart',
  });
}

export function ablationSection(shown: Shown): HTMLElement {
  const { summary } = shown;
  const { average } = summary;
  const rows = average.points.map((p) => h('tr', null,
    h('th', { scope: 'row', class: 'num' }, p.n === 'all' ? 'all relevant' : String(p.n)),
    h('td', { class: 'num' }, formatPercent(p.relevant.class)),
    h('td', { class: 'num' }, `${formatPercent(p.random.class.mean)} \u00b1 ${formatPercent(p.random.class.std)}`),
    h('td', { class: 'num' }, formatPercent(p.relevant.others)),
    h('td', { class: 'num' }, `${formatPercent(p.random.others.mean)} \u00b1 ${formatPercent(p.random.others.std)}`),
  ));
  return h('div', null,
    // The folder by its name (a full path would fill the line at half width); the whole path on hover.
    h('p', { class: 'muted' },
      `${formatInteger(summary.data.numImages)} images of `,
      h('span', { class: 'path', title: summary.data.path, 'data-testid': 'ablation-data' }, baseName(summary.data.path)),
      ` \u00b7 intact accuracy ${formatPercent(summary.baselineAccuracy)} \u00b7 ${summary.params.draws} random draws per count`),
    summary.warnings.length ? h('ul', { class: 'warning-text' }, summary.warnings.map((w) => h('li', null, w))) : null,
    h('div', { class: 'evaluation-pair' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', 'data-testid': 'ablation-table' },
        h('caption', { class: 'visually-hidden' }, 'Accuracy after zeroing n features, averaged over classes'),
        h('thead', null,
          h('tr', null, h('th', { scope: 'col', rowspan: 2, class: 'num' }, 'Features zeroed'), h('th', { scope: 'colgroup', colspan: 2 }, 'Accuracy on the class'), h('th', { scope: 'colgroup', colspan: 2 }, 'On the other classes')),
          h('tr', null, h('th', { scope: 'col', class: 'num' }, 'relevant'), h('th', { scope: 'col', class: 'num' }, 'random'), h('th', { scope: 'col', class: 'num' }, 'relevant'), h('th', { scope: 'col', class: 'num' }, 'random')),
        ),
        h('tbody', null,
          h('tr', { class: 'muted-row' }, h('th', { scope: 'row', class: 'num' }, 'none'), h('td', { class: 'num' }, formatPercent(average.baseline.class)), h('td', null), h('td', { class: 'num' }, formatPercent(average.baseline.others)), h('td', null)),
          rows,
        ),
      )),
      ablationChart(summary),
    ),
  );
}
