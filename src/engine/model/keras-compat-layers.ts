/**
 * Keras layers that TensorFlow.js does not ship but that are plain identities at inference, so
 * converted Keras classifiers that use them still load. Registered once, on first model load.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

class SpatialDropout2D extends tf.layers.Layer {
  static className = 'SpatialDropout2D';
  private readonly rate: number;

  constructor(args: LayerArgs & { rate?: number }) {
    super(args);
    this.rate = args.rate ?? 0;
  }

  // Dropout only acts in training; VEBI only runs inference.
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

class SpatialDropout3D extends SpatialDropout2D {
  static override className = 'SpatialDropout3D';
}

let registered = false;

export function registerKerasCompatLayers(): void {
  if (registered) return;
  registered = true;
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of [SpatialDropout2D, SpatialDropout3D]) {
    if (!(cls.className in known)) tf.serialization.registerClass(cls);
  }
}
