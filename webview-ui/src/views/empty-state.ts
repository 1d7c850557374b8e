/** What a view shows before there is an interpretation: what to run, or that a run is under way. */
import type { PanelView } from '../../../src/shared/panel-protocol';
import { h } from '../dom';
import type { ViewContext } from '../view-context';

/** Explaining works before the panel has a report: the host can use the latest cached interpretation. */
function explainButton(ctx: ViewContext): HTMLElement {
  const button = h('vscode-button', { secondary: true, 'data-testid': 'pick-image' }, 'Explain an image\u2026');
  button.addEventListener('click', () => ctx.post({ type: 'pickImage' }));
  return button;
}

export function emptyState(ctx: ViewContext, view: PanelView): HTMLElement {
  const running = ctx.state.panel.progress !== undefined;
  const what = view === 'explain' ? 'an explanation' : 'an interpretation';
  const notice = ctx.state.panel.notice;
  return h('div', { class: 'empty-state', 'data-testid': 'empty-state' },
    notice && !running ? h('p', { class: 'notice', role: 'status', 'data-testid': 'panel-notice' }, notice) : null,
    h('h2', null, running ? 'Working on it\u2026' : `No ${what === 'an explanation' ? 'explanation' : 'interpretation'} yet`),
    running
      ? h('p', null, 'Results appear here as soon as the run above finishes.')
      : h('p', null, 'Run ', h('strong', null, 'VEBI: Interpret Model'), ' from the Command Palette (or right-click a model file in the Explorer) to find, for every class, the internal features the model relies on and what each of them has learned.'),
    running ? null : h('p', { class: 'muted' }, 'Then explain any image by the features of its predicted class, each heatmap beside what the feature means.'),
    running ? null : explainButton(ctx),
  );
}
