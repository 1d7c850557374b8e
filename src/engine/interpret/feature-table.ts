/** Maps feature-vector indices to (layer, channel) and back. */
import type { LayerSummary } from '../../shared/report';

export interface FeatureId {
  index: number;
  layer: string;
  channel: number;
}

export class FeatureTable {
  private readonly entries: FeatureId[] = [];

  constructor(layers: LayerSummary[]) {
    for (const layer of layers) {
      if (!layer.isFeature || layer.featureOffset === undefined || layer.channels === undefined) continue;
      for (let channel = 0; channel < layer.channels; channel++) {
        this.entries[layer.featureOffset + channel] = { index: layer.featureOffset + channel, layer: layer.name, channel };
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  at(index: number): FeatureId {
    return this.entries[index];
  }
}

export function visualKey(feature: { layer: string; channel: number }): string {
  return `${feature.layer}:${feature.channel}`;
}

/** A file-name-safe stem for a feature's images. */
export function visualFileStem(feature: { layer: string; channel: number }): string {
  return `features/${feature.layer.replace(/[^A-Za-z0-9_.-]/g, '_')}-c${feature.channel}`;
}
