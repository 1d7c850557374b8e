/**
 * Explain: pick an image; see the prediction, the combined heatmap over the input (with an opacity
 * slider), the top features each beside what it has learned, and the evidence that must be absent.
 */
import type { ShownExplanation } from '../../../src/shared/panel-protocol';
import type { FeatureVisual } from '../../../src/shared/report';
import { backendLabel } from '../../../src/shared/report';
import { EXPLANATION_METHODS } from '../../../src/shared/params';
import { h } from '../dom';
import { baseName, formatPercent, formatTimings } from '../format';
import { absentTable } from '../components/absent-table';
import { explainFeature } from '../components/explain-feature';
import { heatmapStack } from '../components/heatmap-stack';
import { imageSource } from '../components/image-source';
import { probabilityBars } from '../components/probability-bars';
import type { ViewContext } from '../view-context';

function explanation(shown: ShownExplanation, ctx: ViewContext): HTMLElement {
  const { report } = shown;
  // File names of the feature images come from the interpretation; the files are in the explanation folder.
  const visuals: Record<string, FeatureVisual> | undefined = ctx.state.panel.interpretation?.report.visuals;
  const predicted = report.prediction.probabilities[report.prediction.classIndex]?.probability ?? 0;
  const total = formatTimings(report.timings).find(([label]) => label === 'total');
  const features = report.features.length
    ? h('div', { class: 'explain-features' }, report.features.map((feature, i) =>
        explainFeature({ feature, rank: i + 1, visual: feature.visual ? visuals?.[feature.visual] : undefined, base: shown.base }, ctx)))
    : h('p', { class: 'muted' }, `No relevant feature of class ${report.prediction.className} responds in this image.`);
  const method = report.method;
  // A baseline method's report has one map and no features: show what made it instead of the VEBI sections.
  const why = method
    ? [h('h3', null, `Method: ${method.displayName}`), h('p', null, EXPLANATION_METHODS.find((m) => m.name === method.name)?.description ?? ''), h('p', { class: 'muted' }, Object.entries(method.settings).map(([k, v]) => `${k} ${String(v)}`).join(' \u00b7 ') || 'default settings')]
    : [
        h('h3', null, `Why: the top ${report.features.length} features of class ${report.prediction.className} that fire here`),
        features,
        h('h3', null, 'Evidence that must be absent'),
        h('p', { class: 'muted' }, 'The most negative weights of the signed fit: features that argue against this class. Flagged when one fires here at 50 % or more of its best training response.'),
        absentTable(shown, visuals, ctx),
      ];
  return h('div', { class: 'explanation', 'data-testid': 'explanation' },
    h('h2', { class: 'prediction' }, 'Prediction: ', h('strong', null, report.prediction.className), h('span', { class: 'muted' }, ` (${formatPercent(predicted)})`)),
    h('p', { class: 'muted explanation__meta' },
      h('span', { class: 'path', title: report.image }, baseName(report.image)),
      ` \u00b7 backend ${backendLabel(report)} \u00b7 strided-convolution fix ${report.params.stridedFix ? 'on' : 'off'}${total ? ` \u00b7 ${total[1]}` : ''}`),
    report.warnings?.length
      ? h('div', { class: 'report-warnings', role: 'status', 'data-testid': 'explanation-warnings' }, h('strong', null, 'Unlike the interpreted data'), h('ul', null, report.warnings.map((w) => h('li', null, w))))
      : null,
    h('div', { class: 'explanation__top' }, heatmapStack(shown, ctx), probabilityBars(report)),
    ...why,
  );
}

export function explainView(ctx: ViewContext): HTMLElement {
  const shown = ctx.state.panel.explanation;
  return h('div', { class: 'view view--explain' },
    imageSource(ctx),
    shown
      ? explanation(shown, ctx)
      : h('p', { class: 'muted explain-hint' }, ctx.state.panel.interpretation
          ? 'Choose an image: it is explained by the relevant features of its predicted class, each heatmap beside what the feature means.'
          : 'An explanation uses an interpretation of the model: run VEBI: Interpret Model first, or pick an image and VEBI uses the latest interpretation of this model.'),
  );
}
