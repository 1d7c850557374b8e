/** Explanations under cascading weight randomisation: similarity with the original, per method and step. */
import type { ShownEvaluation } from '../../../../src/shared/panel-protocol';
import { h } from '../../dom';
import { formatNumber } from '../../format';
import { lineChart } from '../line-chart';

type Shown = Extract<ShownEvaluation, { kind: 'sanity' }>;

const value = (m: { mean: number } | null | undefined): string => (m ? formatNumber(m.mean, 2) : '\u2014');

/** Spearman correlation with the original explanation, one line per method, step by step. */
function sanityChart(summary: Shown['summary']): HTMLElement {
  const methods = summary.methods.filter((m) => !m.error);
  const values = methods.flatMap((m) => m.spearman.map((v) => v?.mean ?? 0));
  return lineChart({
    xLabels: summary.steps.map((step) => step.layer ?? 'original'),
    // Past the six chart colours, lines are dashed so that no two look alike.
    series: methods.map((m, k) => ({ name: m.displayName, values: m.spearman.map((v) => v?.mean ?? null), dashed: k >= 6 })),
    yMin: Math.min(0, ...values),
    yMax: 1,
    yLabel: 'Spearman rank correlation with the original explanation',
    xLabel: 're-initialised down to',
    format: (v) => formatNumber(v, 2),
    ariaLabel: 'Similarity with the original explanation against the randomisation step',
    testId: 'sanity-chart',
  });
}

export function sanitySection(shown: Shown): HTMLElement {
  const { summary } = shown;
  const steps = summary.steps;
  const stepHeader = steps.map((s) => h('th', { scope: 'col', class: 'num', title: s.randomized.length ? `re-initialised: ${s.randomized.join(', ')}` : 'the original model' }, s.layer ?? 'original'));
  const rows = summary.methods.map((m) => h('tr', null,
    h('th', { scope: 'row' }, m.displayName),
    m.error ? h('td', { colspan: steps.length, class: 'warning-text' }, m.error) : m.spearman.map((v, i) => h('td', { class: 'num', title: `SSIM ${value(m.ssim[i])}` }, value(v))),
  ));
  const classRows = summary.classSensitivity.map((c) => h('tr', null, h('th', { scope: 'row' }, c.displayName), h('td', { class: 'num' }, c.error ? c.error : value(c.spearman)), h('td', { class: 'num' }, c.error ? '' : value(c.ssim))));
  return h('div', null,
    h('p', { class: 'muted' }, `${summary.images.length} images explained at every step; VEBI re-fitted on ${summary.data.numImages} images of ${summary.data.path} after each re-initialisation. A method that depends on the model should fall towards 0 from left to right.`),
    h('div', { class: 'evaluation-pair' },
      h('div', { class: 'table-scroll' },
        h('p', { class: 'table-title' }, 'Spearman rank correlation with the original explanation (hover a cell for SSIM); layers re-initialised from the top down'),
        h('table', { class: 'data-table', 'data-testid': 'sanity-table' },
        h('caption', { class: 'visually-hidden' }, 'Spearman rank correlation with the original explanation per randomisation step'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Method'), stepHeader)),
        h('tbody', null, rows),
      )),
      sanityChart(summary),
    ),
    h('div', { class: 'table-scroll' },
      h('p', { class: 'table-title' }, 'Top class vs second class on the original model: a method that depends on the class gives different maps (low values)'),
      h('table', { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, 'Similarity of the explanations of the top and second classes'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Method'), h('th', { scope: 'col', class: 'num' }, 'Spearman'), h('th', { scope: 'col', class: 'num' }, 'SSIM'))),
      h('tbody', null, classRows),
    )),
  );
}
