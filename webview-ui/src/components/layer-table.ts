/** Every layer of the model: which ones give features (and how many are relevant), and why the others do not. */
import type { InterpretReport, LayerSummary } from '../../../src/shared/report';
import { h } from '../dom';
import { formatShape } from '../format';
import type { ViewContext } from '../view-context';
import { layerLink, layerLocationSpan } from './layer-link';

function relevantPerLayer(report: InterpretReport): Map<string, number> {
  const unique = new Map<string, Set<number>>();
  for (const c of report.classes) {
    for (const f of c.relevant) {
      const set = unique.get(f.layer) ?? new Set<number>();
      set.add(f.channel);
      unique.set(f.layer, set);
    }
  }
  return new Map([...unique].map(([layer, set]) => [layer, set.size]));
}

function receptiveField(layer: LayerSummary): string {
  const rf = layer.receptiveField;
  return rf ? `${formatShape(rf.size)} px` : '';
}

export function layerTable(report: InterpretReport, ctx: ViewContext): HTMLElement {
  const relevant = relevantPerLayer(report);
  const rows = report.model.layers.map((layer) => h('tr', { class: layer.isFeature ? '' : 'muted-row' },
    // Where the layer is defined shows under its name: a last column is off-screen at half width.
    h('th', { scope: 'row' }, layer.isFeature ? [layerLink(layer.name, ctx, { withStatus: false }), layerLocationSpan(layer.name, ctx, true)] : layer.name),
    h('td', null, layer.className),
    h('td', { class: 'num' }, formatShape(layer.outputShape)),
    h('td', { class: 'num' }, layer.isFeature ? String(layer.channels ?? '') : ''),
    h('td', { class: 'num' }, layer.isFeature ? String(relevant.get(layer.name) ?? 0) : ''),
    h('td', { class: 'num' }, receptiveField(layer)),
    h('td', { class: 'layer-note' }, layer.isFeature ? '' : h('span', { class: 'muted' }, layer.skipReason ?? 'not a feature layer')),
  ));
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, 'Layers of the model'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Layer'),
      h('th', { scope: 'col' }, 'Type'),
      h('th', { scope: 'col', class: 'num' }, 'Output'),
      h('th', { scope: 'col', class: 'num' }, 'Features'),
      h('th', { scope: 'col', class: 'num', title: 'Distinct channels relevant to at least one class' }, 'Relevant'),
      h('th', { scope: 'col', class: 'num' }, 'Receptive field'),
      h('th', { scope: 'col' }, 'Note'),
    )),
    h('tbody', null, rows),
  ));
}
