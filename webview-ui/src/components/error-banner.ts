/** The last error from the host: its message (which says what to do), code and path. */
import type { PlainError } from '../../../src/shared/errors';
import { h } from '../dom';

export interface ErrorBanner {
  element: HTMLElement;
  update(error: PlainError | undefined): void;
}

export function createErrorBanner(): ErrorBanner {
  const message = h('span', { class: 'error-banner__message' });
  const code = h('code', { class: 'error-banner__code' });
  const path = h('code', { class: 'error-banner__path' });
  const dismiss = h('vscode-button', { secondary: true, class: 'error-banner__dismiss', title: 'Hide this message' }, 'Dismiss');
  const element = h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'error', hidden: true },
    h('div', { class: 'error-banner__text' }, h('strong', null, 'Error '), code, h('div', null, message), path),
    dismiss,
  );
  dismiss.addEventListener('click', () => {
    element.hidden = true;
  });
  return {
    element,
    update(error) {
      element.hidden = error === undefined;
      if (!error) return;
      // A cancelled run is the user's own doing: shown quietly, not as a failure.
      element.classList.toggle('error-banner--info', error.code === 'CANCELLED');
      message.textContent = error.message;
      code.textContent = error.code;
      path.textContent = error.path ?? '';
      path.hidden = !error.path;
    },
  };
}
