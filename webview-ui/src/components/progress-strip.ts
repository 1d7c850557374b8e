/** A run in progress: stage, done/total, rate and ETA, with a Cancel button. Hidden when idle. */
import type { ProgressEvent } from '../../../src/shared/progress';
import { STAGE_TITLES } from '../../../src/shared/progress';
import { h } from '../dom';
import { formatEta, formatInteger } from '../format';

export function progressText(event: ProgressEvent): string {
  const parts = [event.total > 0 ? `${formatInteger(event.done)} / ${formatInteger(event.total)} ${event.unit}` : `${formatInteger(event.done)} ${event.unit}`];
  if (event.rate !== undefined && Number.isFinite(event.rate) && event.rate > 0) parts.push(`${formatInteger(event.rate)} ${event.unit}/s`);
  if (event.etaSeconds !== undefined && Number.isFinite(event.etaSeconds)) parts.push(`about ${formatEta(event.etaSeconds)} left`);
  return parts.join(' \u00b7 ');
}

export interface ProgressStrip {
  element: HTMLElement;
  update(event: ProgressEvent | undefined): void;
}

/** Built once and updated in place: progress ticks arrive many times a second. */
export function createProgressStrip(onCancel: () => void): ProgressStrip {
  const title = h('span', { class: 'progress-strip__stage' });
  const detail = h('span', { class: 'progress-strip__detail' });
  const message = h('span', { class: 'progress-strip__message muted' });
  const bar = h('vscode-progress-bar', { class: 'progress-strip__bar' });
  const cancel = h('vscode-button', { secondary: true, 'data-testid': 'cancel' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  const element = h('div', { class: 'progress-strip', 'data-testid': 'progress', role: 'status', 'aria-live': 'polite', hidden: true },
    h('div', { class: 'progress-strip__text' }, title, detail, message),
    cancel,
    bar,
  );
  return {
    element,
    update(event) {
      element.hidden = event === undefined;
      if (!event) return;
      title.textContent = STAGE_TITLES[event.stage] ?? event.stage;
      detail.textContent = progressText(event);
      message.textContent = event.message ?? '';
      bar.ariaLabel = title.textContent;
      if (event.total > 0) {
        bar.indeterminate = false;
        bar.max = event.total;
        bar.value = Math.min(event.done, event.total);
      } else {
        bar.indeterminate = true;
      }
    },
  };
}
