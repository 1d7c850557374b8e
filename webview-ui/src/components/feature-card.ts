/**
 * One feature of a class: where it lives (layer, channel), how much the class relies on it
 * (weight, with a bar), and what it has learned (average crop, guided backprop, top-k crops).
 */
import type { FeatureVisual, LayerSummary, WeightedFeature } from '../../../src/shared/report';
import { h, linkButton } from '../dom';
import { formatNumber, formatShape } from '../format';
import type { ViewContext } from '../view-context';
import { layerLink } from './layer-link';
import { figure, reportImage } from './report-image';

export interface FeatureCardOptions {
  feature: WeightedFeature;
  rank: number;
  visual: FeatureVisual | undefined;
  layer: LayerSummary | undefined;
  /** Largest |weight| in the list, so bars compare within it. */
  maxWeight: number;
  base: string;
}

export function weightBar(weight: number, maxWeight: number): HTMLElement {
  const fill = h('span', { class: `weight-bar__fill${weight < 0 ? ' weight-bar__fill--negative' : ''}` });
  fill.style.width = `${Math.max(2, (100 * Math.abs(weight)) / Math.max(1e-12, maxWeight))}%`;
  return h('span', { class: 'weight-bar', 'aria-hidden': 'true' }, fill);
}

function topImages(visual: FeatureVisual, ctx: ViewContext): HTMLElement {
  return h('details', { class: 'top-images' },
    h('summary', null, `Top ${visual.topImages.length} images`),
    h('ol', null, visual.topImages.map((t) => h('li', null,
      linkButton(t.image, `Explain ${t.image}`, () => ctx.post({ type: 'explainDatasetImage', relPath: t.image })),
      h('span', { class: 'muted' }, ` response ${formatNumber(t.response, 2)} at (${t.position.join(', ')})`),
    ))),
  );
}

export function featureCard(options: FeatureCardOptions, ctx: ViewContext): HTMLElement {
  const { feature, visual, layer, base } = options;
  const name = `${feature.layer} channel ${feature.channel}`;
  const rf = layer?.receptiveField ? `receptive field ${formatShape(layer.receptiveField.size)} px` : undefined;
  const header = h('header', { class: 'feature-card__header' },
    h('span', { class: 'feature-card__rank' }, `${options.rank}`),
    h('span', { class: 'feature-card__title' }, layerLink(feature.layer, ctx), h('span', { class: 'feature-card__channel' }, ` #${feature.channel}`)),
    h('span', { class: 'feature-card__weight', title: 'Weight of this feature in the class fit' }, `w = ${formatNumber(feature.weight, 4)}`),
    weightBar(feature.weight, options.maxWeight),
  );
  const meta = h('div', { class: 'feature-card__meta muted' }, [layer?.className, rf, `feature ${feature.index}`].filter((x): x is string => !!x).join(' \u00b7 '));
  const images = visual
    ? h('div', { class: 'feature-card__images' },
        figure(reportImage({ base, path: visual.average, alt: `Average of the top ${visual.topImages.length} crops of ${name}`, kind: 'crop', testId: 'feature-image' }), 'average crop'),
        figure(reportImage({ base, path: visual.guided, alt: `Average guided backprop of ${name}`, kind: 'crop', testId: 'feature-image' }), 'guided backprop'),
        figure(reportImage({ base, path: visual.strip, alt: `Top ${visual.topImages.length} crops of ${name}`, kind: 'strip', testId: 'feature-image' }), `top ${visual.topImages.length} crops`),
      )
    : null;
  return h('article', { class: `feature-card${visual ? '' : ' feature-card--compact'}`, 'data-testid': 'feature-card', 'aria-label': `${name}, weight ${formatNumber(feature.weight, 4)}` },
    header,
    meta,
    images,
    visual && visual.topImages.length ? topImages(visual, ctx) : null,
  );
}
