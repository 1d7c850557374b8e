/** The numbers behind the chart: relevant features per class and layer, with the fits' sizes and accuracy. */
import type { InterpretReport } from '../../../src/shared/report';
import { h, linkButton } from '../dom';
import { formatInteger, formatPercent } from '../format';
import type { ViewContext } from '../view-context';
import { chartedLayers } from './layer-chart';
import { layerLink } from './layer-link';
import { seriesClass } from './series-colors';

export function classLayerTable(report: InterpretReport, ctx: ViewContext): HTMLElement {
  const layers = chartedLayers(report);
  const otherLayers = report.model.layers.filter((l) => l.isFeature).length - layers.length;
  const head = h('tr', null,
    h('th', { scope: 'col' }, 'Class'),
    layers.map((layer, i) => h('th', { scope: 'col', class: 'num' }, h('span', { class: `chart-swatch ${seriesClass(i)}`, 'aria-hidden': 'true' }), layerLink(layer, ctx, { withStatus: false }))),
    h('th', { scope: 'col', class: 'num' }, 'Relevant'),
    h('th', { scope: 'col', class: 'num', title: 'Signed fit: features that must be present / must be absent' }, 'Present / absent'),
    h('th', { scope: 'col', class: 'num' }, 'Images'),
    h('th', { scope: 'col', class: 'num' }, 'Accuracy'),
  );
  const rows = report.classes.map((c, i) => h('tr', null,
    h('th', { scope: 'row' }, linkButton(c.name, `Show class ${c.name}`, () => ctx.showClass(i))),
    layers.map((layer) => {
      const n = c.perLayer[layer] ?? 0;
      return h('td', { class: `num${n ? '' : ' muted'}` }, String(n));
    }),
    h('td', { class: 'num' }, h('strong', null, String(c.relevant.length))),
    h('td', { class: 'num' }, `${c.present.length} / ${c.absent.length}`),
    h('td', { class: 'num' }, formatInteger(c.count)),
    h('td', { class: 'num' }, formatPercent(report.data.perClassAccuracy[c.index] ?? 0)),
  ));
  return h('div', { class: 'table-scroll' },
    h('table', { class: 'data-table' }, h('caption', { class: 'visually-hidden' }, 'Relevant features per class and layer'), h('thead', null, head), h('tbody', null, rows)),
    otherLayers > 0 ? h('p', { class: 'muted' }, `${otherLayers} other feature layer${otherLayers === 1 ? ' holds' : 's hold'} no relevant feature.`) : null,
  );
}
