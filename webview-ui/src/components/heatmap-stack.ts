/**
 * The input image with the combined heatmap stacked on it; a slider sets the heatmap's opacity
 * (0 shows the input alone, 1 the heatmap alone). The opacity is UI state, kept across reloads.
 */
import type { ShownExplanation } from '../../../src/shared/panel-protocol';
import { h } from '../dom';
import type { ViewContext } from '../view-context';
import { reportImage } from './report-image';

function setOpacity(heatmap: HTMLElement, output: HTMLElement, opacity: number): void {
  heatmap.style.opacity = String(opacity);
  output.textContent = `${Math.round(100 * opacity)} %`;
}

export function heatmapStack(shown: ShownExplanation, ctx: ViewContext): HTMLElement {
  const { report, base } = shown;
  const input = reportImage({ base, path: report.input, alt: 'Input image', kind: 'input' });
  const heatmap = reportImage({ base, path: report.combined.heatmap, alt: 'Combined heatmap of the top features', kind: 'input', testId: 'explain-heatmap' });
  heatmap.classList.add('heatmap-stack__heatmap');
  const slider = h('input', { type: 'range', min: 0, max: 100, step: 1, value: Math.round(100 * ctx.ui.opacity), class: 'opacity-slider', id: 'heatmap-opacity', 'data-testid': 'heatmap-opacity' });
  const output = h('output', { for: 'heatmap-opacity', class: 'opacity-value' });
  setOpacity(heatmap, output, ctx.ui.opacity);
  slider.addEventListener('input', () => {
    const opacity = Number(slider.value) / 100;
    setOpacity(heatmap, output, opacity);
    ctx.updateUi({ opacity });
  });
  return h('div', { class: 'heatmap-panel' },
    h('div', { class: 'heatmap-stack' }, input, heatmap),
    h('div', { class: 'opacity-control' }, h('label', { for: 'heatmap-opacity' }, 'Heatmap opacity'), slider, output),
  );
}
