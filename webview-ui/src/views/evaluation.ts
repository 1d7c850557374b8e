/**
 * Evaluation: run the objective checks of the explanations (methods side by side, localization IoU,
 * feature ablation, sanity checks) and show the latest result of each, kept per model.
 */
import type { EvaluationKind } from '../../../src/shared/evaluation';
import { EVALUATION_KINDS } from '../../../src/shared/evaluation';
import { h } from '../dom';
import { ablationSection } from '../components/evaluation/ablation-section';
import { comparisonTiles } from '../components/evaluation/comparison-tiles';
import { localizationTable } from '../components/evaluation/localization-table';
import { sanitySection } from '../components/evaluation/sanity-section';
import type { ViewContext } from '../view-context';

const TITLES: Record<EvaluationKind, { button: string; heading: string; about: string }> = {
  comparison: { button: 'Compare methods on an image\u2026', heading: 'Methods side by side', about: 'VEBI and the baselines (Grad-CAM, Grad-CAM++, guided backprop, integrated gradients...) on one image, for the same class.' },
  localization: { button: 'Localization\u2026', heading: 'Localization: IoU with ground-truth masks', about: 'Each method\u2019s heatmap binarised at 0.05\u20130.95 and compared with the mask of the part that decides the class (e.g. a folder made by "vebi dataset flowers").' },
  ablation: { button: 'Feature ablation\u2026', heading: 'Importance of the selected features', about: 'Accuracy when each class\u2019s relevant features are zeroed, against zeroing as many random features.' },
  sanity: { button: 'Sanity checks', heading: 'Sanity checks: cascading randomisation', about: 'Weights re-initialised from the top layer down; explanations that do not change are not explaining the model.' },
};

function runButton(ctx: ViewContext, kind: EvaluationKind): HTMLElement {
  const button = h('vscode-button', { secondary: true, 'data-testid': `evaluate-${kind}`, 'data-evaluate': kind, title: TITLES[kind].about }, TITLES[kind].button);
  button.addEventListener('click', () => ctx.post({ type: 'evaluate', kind }));
  if (ctx.state.panel.progress) button.setAttribute('disabled', '');
  return button;
}

function result(ctx: ViewContext, kind: EvaluationKind): HTMLElement | null {
  const evaluations = ctx.state.panel.evaluations ?? {};
  const shown = evaluations[kind];
  if (!shown) return null;
  const body =
    shown.kind === 'comparison' ? comparisonTiles(shown)
    : shown.kind === 'localization' ? localizationTable(shown)
    : shown.kind === 'ablation' ? ablationSection(shown)
    : sanitySection(shown);
  return h('section', { class: 'section', 'data-testid': `evaluation-${kind}` },
    h('h2', null, TITLES[kind].heading, h('span', { class: 'muted section__date' }, ` ${new Date(shown.summary.createdAt).toLocaleString()}`)),
    body,
  );
}

export function evaluationView(ctx: ViewContext): HTMLElement {
  const results = EVALUATION_KINDS.map((kind) => result(ctx, kind)).filter((r): r is HTMLElement => r !== null);
  return h('div', { class: 'view view--evaluation' },
    h('p', null, 'Objective checks of the explanations, as in the paper: do they point at the evidence, do the selected features matter, and do they depend on the model at all?'),
    h('div', { class: 'evaluation-actions' }, EVALUATION_KINDS.map((kind) => runButton(ctx, kind))),
    results.length ? results : h('p', { class: 'muted', 'data-testid': 'evaluation-empty' }, 'No evaluation yet: run one above (or "VEBI: Evaluate Explanations" from the Command Palette).'),
  );
}
