/**
 * Classes: pick a class on the left; on the right, its relevant features (non-negative fit) as
 * cards sorted by weight, then the signed fit's "must be present" and "must be absent" features.
 */
import type { ShownInterpretation } from '../../../src/shared/panel-protocol';
import type { ClassResult, InterpretReport, WeightedFeature } from '../../../src/shared/report';
import { h } from '../dom';
import { formatInteger, formatNumber, formatPercent } from '../format';
import { featureCard } from '../components/feature-card';
import type { ViewContext } from '../view-context';
import { emptyState } from './empty-state';

const FILTER_FROM = 12;

function cards(shown: ShownInterpretation, features: WeightedFeature[], ctx: ViewContext): HTMLElement {
  if (features.length === 0) return h('p', { class: 'muted' }, 'None.');
  const { report, base } = shown;
  const maxWeight = Math.max(...features.map((f) => Math.abs(f.weight)));
  const layers = new Map(report.model.layers.map((l) => [l.name, l]));
  return h('div', { class: 'feature-list' }, features.map((feature, i) =>
    featureCard({ feature, rank: i + 1, visual: feature.visual ? report.visuals[feature.visual] : undefined, layer: layers.get(feature.layer), maxWeight, base }, ctx)));
}

function fitLine(report: InterpretReport, c: ClassResult): string {
  const binding = c.solve.l1 >= report.params.mu * (1 - 1e-9);
  return `Non-negative fit: \u2016w\u2016\u2081 = ${formatNumber(c.solve.l1)} of \u03bc = ${report.params.mu}${binding ? ' (budget binding)' : ' (budget not binding)'}, objective ${formatNumber(c.solve.objective)}, KKT violation ${formatNumber(c.solve.kktViolation)}, ${c.solve.iterations} steps.`;
}

function classDetail(shown: ShownInterpretation, index: number, ctx: ViewContext): HTMLElement {
  const { report } = shown;
  const c = report.classes[index];
  const accuracy = report.data.perClassAccuracy[c.index];
  const sorted = [...c.relevant].sort((a, b) => b.weight - a.weight);
  const withVisuals = (list: WeightedFeature[]) => list.filter((f) => f.visual && report.visuals[f.visual]).length;
  return h('div', { class: 'class-detail' },
    h('h2', null, `Class ${c.name}`),
    h('p', { class: 'class-detail__stats' },
      `${formatInteger(c.count)} images`, accuracy === undefined ? '' : ` \u00b7 accuracy ${formatPercent(accuracy)}`,
      ` \u00b7 ${c.relevant.length} relevant feature${c.relevant.length === 1 ? '' : 's'}`),
    h('p', { class: 'muted' }, fitLine(report, c)),
    h('h3', null, `Relevant features (${c.relevant.length})`),
    cards(shown, sorted, ctx),
    h('vscode-collapsible', { class: 'signed-section', heading: `Must be present (${c.present.length})`, description: `signed fit, positive weights \u00b7 ${withVisuals(c.present)} with images` }, cards(shown, c.present, ctx)),
    h('vscode-collapsible', { class: 'signed-section', heading: `Must be absent (${c.absent.length})`, description: `signed fit, negative weights: evidence against class ${c.name}` }, cards(shown, c.absent, ctx)),
  );
}

function classItem(report: InterpretReport, c: ClassResult, selected: boolean): HTMLElement {
  const accuracy = report.data.perClassAccuracy[c.index];
  return h('li', { class: 'class-item', title: c.name, role: 'option', 'aria-selected': String(selected), tabindex: selected ? 0 : -1, 'data-index': c.index, 'data-testid': 'class-item' },
    h('span', { class: 'class-item__name' }, c.name),
    h('span', { class: 'class-item__meta' }, `${c.relevant.length} feat.${accuracy === undefined ? '' : ` \u00b7 ${formatPercent(accuracy)}`}`),
  );
}

/** A filter box above long class lists (ImageNet has 1,000 classes). */
function classFilter(list: HTMLElement): HTMLElement | null {
  const items = [...list.querySelectorAll<HTMLElement>('.class-item')];
  if (items.length <= FILTER_FROM) return null;
  const field = h('vscode-textfield', { placeholder: 'Filter classes', label: 'Filter classes', class: 'class-filter', 'data-testid': 'class-filter' });
  field.addEventListener('input', () => {
    const query = field.value.trim().toLowerCase();
    for (const item of items) item.hidden = query.length > 0 && !(item.querySelector('.class-item__name')?.textContent ?? '').toLowerCase().includes(query);
  });
  return field;
}

export function classesView(ctx: ViewContext): HTMLElement {
  const shown = ctx.state.panel.interpretation;
  if (!shown) return emptyState(ctx, 'classes');
  const { report } = shown;
  let selected = Math.min(ctx.ui.selectedClass, report.classes.length - 1);
  const list = h('ul', { class: 'class-list', role: 'listbox', 'aria-label': 'Classes' }, report.classes.map((c, i) => classItem(report, c, i === selected)));
  const detail = h('div', { class: 'classes-detail' }, classDetail(shown, selected, ctx));
  const items = () => [...list.querySelectorAll<HTMLElement>('.class-item')];
  const visible = () => items().filter((item) => !item.hidden).map((item) => Number(item.dataset.index));

  const select = (index: number, focus: boolean) => {
    if (index < 0 || index >= report.classes.length) return;
    selected = index;
    items().forEach((item, i) => {
      item.setAttribute('aria-selected', String(i === index));
      item.tabIndex = i === index ? 0 : -1;
    });
    if (focus) items()[index]?.focus();
    detail.replaceChildren(classDetail(shown, index, ctx));
    if (detail.getBoundingClientRect().top < 0) detail.scrollIntoView({ block: 'start' });
    ctx.updateUi({ selectedClass: index });
  };
  list.addEventListener('click', (event) => {
    const item = (event.target as Element).closest<HTMLElement>('.class-item');
    if (item) select(Number(item.dataset.index), true);
  });
  list.addEventListener('keydown', (event) => {
    const shownIndices = visible();
    const at = shownIndices.indexOf(selected);
    const moves: Record<string, number | undefined> = { ArrowDown: shownIndices[at + 1], ArrowUp: shownIndices[at - 1], Home: shownIndices[0], End: shownIndices[shownIndices.length - 1] };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = moves[event.key];
    if (next !== undefined) select(next, true);
  });
  return h('div', { class: 'view view--classes' }, h('nav', { class: 'classes-nav' }, classFilter(list), list), detail);
}
