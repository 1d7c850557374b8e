/**
 * One feature of an explanation: where it fires in this image (its heatmap over the input) beside
 * what it has learned (its average training crop, copied into the explanation folder).
 */
import type { FeatureExplanation, FeatureVisual } from '../../../src/shared/report';
import { h } from '../dom';
import { formatNumber } from '../format';
import type { ViewContext } from '../view-context';
import { layerLink } from './layer-link';
import { figure, reportImage } from './report-image';

export interface ExplainFeatureOptions {
  feature: FeatureExplanation;
  rank: number;
  /** The interpretation's visual for this feature (file names), when that report is loaded. */
  visual: FeatureVisual | undefined;
  /** The explanation folder: it holds the heatmaps and copies of the feature images. */
  base: string;
}

export function explainFeature(options: ExplainFeatureOptions, ctx: ViewContext): HTMLElement {
  const { feature, visual, base, rank } = options;
  const name = `${feature.layer} channel ${feature.channel}`;
  const learned = visual
    ? [
        figure(reportImage({ base, path: visual.average, alt: `What ${name} has learned: average of its top ${visual.topImages.length} training crops`, kind: 'crop' }), 'what it has learned'),
        figure(reportImage({ base, path: visual.guided, alt: `Average guided backprop of ${name}`, kind: 'crop' }), 'guided backprop'),
      ]
    : [h('p', { class: 'muted explain-feature__no-visual' }, 'Its interpretation images are not in the loaded report.')];
  const strip = visual ? figure(reportImage({ base, path: visual.strip, alt: `Top ${visual.topImages.length} training crops of ${name}`, kind: 'strip' }), `its top ${visual.topImages.length} training crops`) : null;
  return h('article', { class: 'explain-feature', 'data-testid': 'explain-feature', 'aria-label': `Feature ${rank}: ${name}` },
    h('header', { class: 'explain-feature__header' },
      h('span', { class: 'feature-card__rank' }, String(rank)),
      h('span', { class: 'feature-card__title' }, layerLink(feature.layer, ctx), h('span', { class: 'feature-card__channel' }, ` #${feature.channel}`)),
      h('dl', { class: 'explain-feature__numbers' },
        h('dt', null, 'score'), h('dd', null, formatNumber(feature.score, 4)),
        h('dt', null, 'weight'), h('dd', null, formatNumber(feature.weight, 4)),
        h('dt', null, 'response'), h('dd', null, formatNumber(feature.response, 3)),
      ),
    ),
    h('div', { class: 'explain-feature__images' },
      figure(reportImage({ base, path: feature.overlay, alt: `Where ${name} fires in this image`, kind: 'overlay' }), 'where it fires here'),
      h('span', { class: 'explain-feature__arrow', 'aria-hidden': 'true' }, '\u2194'),
      ...learned,
      strip,
    ),
  );
}
