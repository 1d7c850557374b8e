/** The top-5 class probabilities as bars, the predicted class first and highlighted. */
import type { ExplanationReport } from '../../../src/shared/report';
import { h } from '../dom';
import { formatPercent } from '../format';

export function probabilityBars(report: ExplanationReport, count = 5): HTMLElement {
  const top = [...report.prediction.probabilities].sort((a, b) => b.probability - a.probability).slice(0, count);
  return h('table', { class: 'probabilities', 'data-testid': 'probabilities' },
    h('caption', { class: 'probabilities__caption' }, `Top ${top.length} probabilities`),
    h('tbody', null, top.map((p) => {
      const fill = h('span', { class: 'probability-bar__fill' });
      fill.style.width = `${100 * p.probability}%`;
      const predicted = p.className === report.prediction.className;
      return h('tr', { class: predicted ? 'probabilities__predicted' : '' },
        h('th', { scope: 'row' }, p.className),
        h('td', { class: 'probabilities__bar' }, h('span', { class: 'probability-bar', 'aria-hidden': 'true' }, fill)),
        h('td', { class: 'num' }, formatPercent(p.probability)),
      );
    })),
  );
}
