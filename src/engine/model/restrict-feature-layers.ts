/**
 * A view of a model whose features come only from chosen layers (`--layers`): the same network,
 * with the feature vector rebuilt from the kept layers and the others marked as excluded.
 * Useful when the dense layers take all the weight and the user wants to see the conv features.
 */
import { VebiError } from '../../shared/errors';
import type { LayerSummary } from '../../shared/report';
import type { VebiModel } from './types';

export function restrictFeatureLayers(model: VebiModel, keep: string[] | undefined): VebiModel {
  if (!keep || keep.length === 0) return model;
  const unknown = keep.filter((name) => !model.featureLayers.includes(name));
  if (unknown.length > 0) {
    throw new VebiError(
      'BAD_ARGUMENT',
      `${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length > 1 ? 'are not feature layers' : 'is not a feature layer'} of ${model.path}. Feature layers: ${model.featureLayers.join(', ')}.`,
      model.path,
    );
  }
  const kept = new Set(keep);
  let offset = 0;
  const layers: LayerSummary[] = model.layers.map((layer) => {
    if (!layer.isFeature) return layer;
    if (!kept.has(layer.name)) {
      const { featureOffset: _unused, ...rest } = layer;
      return { ...rest, isFeature: false, skipReason: 'excluded by the layers parameter' };
    }
    const restricted = { ...layer, featureOffset: offset };
    offset += layer.channels ?? 0;
    return restricted;
  });
  const featureLayers = model.featureLayers.filter((name) => kept.has(name));
  return Object.assign(Object.create(model) as VebiModel, { layers, featureLayers, featureCount: offset });
}
