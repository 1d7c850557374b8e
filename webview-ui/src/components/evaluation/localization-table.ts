/** The paper's localization table for this model: mean IoU of each method's heatmap with the ground-truth masks. */
import type { ShownEvaluation } from '../../../../src/shared/panel-protocol';
import { h } from '../../dom';
import { formatInteger, formatPercent } from '../../format';

type Shown = Extract<ShownEvaluation, { kind: 'localization' }>;

const pct = (value: number | null | undefined): string => (value === null || value === undefined ? '\u2014' : formatPercent(value));

export function localizationTable(shown: Shown): HTMLElement {
  const { summary } = shown;
  const best = Math.max(...summary.methods.map((m) => m.meanIoU ?? -1));
  const rows = summary.methods.map((m) => {
    const bar = h('span', { class: 'iou-bar series-0' });
    bar.style.width = `${Math.round(100 * Math.max(0, m.meanIoU ?? 0))}%`;
    return h('tr', { class: m.meanIoU === best ? 'best-row' : '', 'data-testid': `iou-${m.name}` },
      h('th', { scope: 'row' }, m.displayName),
      m.error
        ? h('td', { colspan: 5, class: 'warning-text' }, m.error)
        : [
            h('td', { class: 'num' }, `${pct(m.meanIoU)} \u00b1 ${pct(m.stdIoU)}`),
            h('td', { class: 'iou-cell' }, bar),
            h('td', { class: 'num' }, m.best ? `${pct(m.best.iou)} at ${m.best.threshold.toFixed(2)}` : '\u2014'),
            h('td', { class: 'num' }, `${pct(m.byPrediction.correct)} / ${pct(m.byPrediction.wrong)}`),
            h('td', { class: 'num' }, m.msPerImage === null ? '\u2014' : `${Math.round(m.msPerImage)} ms`),
          ],
    );
  });
  return h('div', null,
    h('p', { class: 'muted' },
      `${formatInteger(summary.data.numImages)} images of ${summary.data.path}${summary.data.variant ? ` (${summary.data.variant})` : ''} \u00b7 model accuracy ${formatPercent(summary.accuracy)} \u00b7 explaining the ${summary.params.target === 'ground-truth' ? 'ground-truth' : 'predicted'} class \u00b7 IoU averaged over thresholds ${summary.params.thresholds[0]}\u2013${summary.params.thresholds[summary.params.thresholds.length - 1]}`),
    h('div', { class: 'table-scroll' }, h('table', { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, 'Mean IoU of each method with the ground-truth masks'),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Method'),
        h('th', { scope: 'col', class: 'num', title: 'Mean over images of the IoU averaged over thresholds, \u00b1 std over images' }, 'Mean IoU'),
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col', class: 'num', title: 'The single threshold with the best mean IoU' }, 'Best threshold'),
        h('th', { scope: 'col', class: 'num', title: 'Mean IoU on images the model gets right / wrong' }, 'Right / wrong'),
        h('th', { scope: 'col', class: 'num' }, 'Time per image'),
      )),
      h('tbody', null, rows),
    )),
  );
}
