/** Every method's heatmap over the same image, as tiles: the side-by-side half of the Evaluation view. */
import type { ShownEvaluation } from '../../../../src/shared/panel-protocol';
import { backendLabel } from '../../../../src/shared/report';
import { h } from '../../dom';
import { baseName, formatPercent } from '../../format';
import { reportImage } from '../report-image';

type Shown = Extract<ShownEvaluation, { kind: 'comparison' }>;

export function comparisonTiles(shown: Shown): HTMLElement {
  const { summary, base } = shown;
  const tiles = summary.methods.map((m) =>
    h('figure', { class: 'method-tile', 'data-testid': `method-${m.name}` },
      m.overlay
        ? reportImage({ base, path: m.overlay, alt: `${m.displayName} heatmap`, kind: 'thumb' })
        : h('div', { class: 'method-tile__error warning-text' }, m.error ?? 'no map'),
      h('figcaption', null, h('strong', null, m.displayName), h('span', { class: 'muted' }, ` ${Math.round(m.ms)} ms`),
        typeof m.settings.note === 'string' ? h('div', { class: 'muted method-tile__note' }, m.settings.note) : null),
    ));
  return h('div', { class: 'comparison' },
    h('p', { class: 'muted' },
      h('span', { class: 'path', title: summary.image }, baseName(summary.image)),
      ` \u00b7 predicted ${summary.prediction.className} (${formatPercent(summary.prediction.probability)}) \u00b7 every method explains class ${summary.explained.className} \u00b7 backend ${backendLabel(summary)}`),
    h('div', { class: 'method-tiles' },
      h('figure', { class: 'method-tile' }, reportImage({ base, path: summary.input, alt: 'input image', kind: 'thumb' }), h('figcaption', { class: 'muted' }, 'input')),
      tiles),
  );
}
