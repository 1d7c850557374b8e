/**
 * An interpretation's weights as the explanation methods read them, after checking that the report
 * was made for this model: its weights index the model's features, so the layout must match.
 */
import { VebiError } from '../../shared/errors';
import { FeatureTable } from '../interpret/feature-table';
import type { VebiModel } from '../model/types';
import type { LoadedInterpretation } from '../report/read-report';
import type { ExplanationWeights } from './compute-explanation';

export function checkReportMatchesModel(interpretation: LoadedInterpretation, model: VebiModel): void {
  const { report } = interpretation;
  if (report.model.numClasses !== model.numClasses) {
    throw new VebiError(
      'CLASS_COUNT_MISMATCH',
      `The report in ${interpretation.dir} has ${report.model.numClasses} classes but ${model.path} predicts ${model.numClasses}; run "vebi interpret" on this model first.`,
      interpretation.dir,
    );
  }
  const layers = report.model.layers.filter((l) => l.isFeature).map((l) => l.name);
  if (report.model.featureCount !== model.featureCount || layers.join('\n') !== model.featureLayers.join('\n')) {
    throw new VebiError('REPORT_INVALID', `The report in ${interpretation.dir} was made for a different model (${report.model.path}); run "vebi interpret" on ${model.path} first.`, interpretation.dir);
  }
}

export function reportWeights(interpretation: LoadedInterpretation, model: VebiModel): ExplanationWeights {
  checkReportMatchesModel(interpretation, model);
  const { report } = interpretation;
  const table = new FeatureTable(model.layers);
  return {
    nonNegative: interpretation.nonNegative,
    signed: interpretation.signed,
    peakResponses: interpretation.peakResponses,
    numClasses: report.weights.numClasses,
    feature: (i) => table.at(i),
    l2Normalize: report.params.l2Normalize,
  };
}
