/**
 * Evidence that must be absent: the predicted class's most negative signed-fit features, how
 * strongly each fires here compared with its best training response, flagged ones highlighted
 * with where they fire.
 */
import type { ShownExplanation } from '../../../src/shared/panel-protocol';
import type { FeatureVisual } from '../../../src/shared/report';
import { h } from '../dom';
import { formatNumber, formatPercent } from '../format';
import type { ViewContext } from '../view-context';
import { layerLink } from './layer-link';
import { reportImage } from './report-image';

export function absentTable(shown: ShownExplanation, visuals: Record<string, FeatureVisual> | undefined, ctx: ViewContext): HTMLElement {
  const { report, base } = shown;
  if (report.absent.length === 0) return h('p', { class: 'muted' }, 'The signed fit gives this class no negative-weight feature.');
  const rows = report.absent.map((a) => {
    const name = `${a.layer} channel ${a.channel}`;
    const visual = a.visual ? visuals?.[a.visual] : undefined;
    const fill = h('span', { class: `probability-bar__fill${a.flagged ? ' probability-bar__fill--flagged' : ''}` });
    fill.style.width = `${Math.min(100, 100 * a.relativeResponse)}%`;
    return h('tr', { class: a.flagged ? 'absent-row absent-row--flagged' : 'absent-row', 'data-testid': 'absent-row' },
      h('th', { scope: 'row' }, layerLink(a.layer, ctx), ` #${a.channel}`),
      h('td', null, visual ? reportImage({ base, path: visual.average, alt: `What ${name} has learned`, kind: 'thumb' }) : null),
      h('td', { class: 'num' }, formatNumber(a.weight, 4)),
      h('td', { class: 'absent-row__response' }, h('span', { class: 'probability-bar', 'aria-hidden': 'true' }, fill), ` ${formatPercent(a.relativeResponse)}`),
      h('td', null, a.flagged ? h('strong', { class: 'flag' }, 'fires here') : h('span', { class: 'muted' }, 'quiet')),
      h('td', null, a.overlay ? reportImage({ base, path: a.overlay, alt: `Where ${name} fires in this image`, kind: 'thumb' }) : null),
    );
  });
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data-table absent-table', 'data-testid': 'absent-table' },
    h('caption', { class: 'visually-hidden' }, 'Evidence that must be absent'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Feature'),
      h('th', { scope: 'col' }, 'What it is'),
      h('th', { scope: 'col', class: 'num' }, 'Weight'),
      h('th', { scope: 'col' }, 'Response vs. its training best'),
      h('th', { scope: 'col' }, 'Here'),
      h('th', { scope: 'col' }, 'Where'),
    )),
    h('tbody', null, rows),
  ));
}
