import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/helpers/backend';
import { LayerGraphModel } from '../src/engine/model/layer-graph';
import { seedWeights, randomImages } from '../test/helpers/tiny-models';
async function main() {
  await useBackend('wasm');
  const m = tf.sequential();
  m.add(tf.layers.dropout({ name: 'd0', inputShape: [4, 4, 1], rate: 0.5 }));
  m.add(tf.layers.conv2d({ name: 'c', filters: 2, kernelSize: 3 }));
  m.add(tf.layers.dropout({ name: 'd1', rate: 0.5 }));
  m.add(tf.layers.flatten({ name: 'f' }));
  m.add(tf.layers.dense({ name: 'o', units: 2 }));
  seedWeights(m, 1);
  const g = new LayerGraphModel(m, 'x');
  const x = randomImages(1, [4, 4, 1]);
  for (const names of [['d1'], ['c', 'd1'], ['d0'], []]) {
    const r = g.forward(x, names);
    console.log(names, r.outputs.map(t => t.shape), r.outputs.some(t => t === x));
    tf.dispose([...r.outputs, r.logits, r.probs]);
    console.log('x alive', !x.isDisposed);
  }
  const r = g.forward(x, ['c']);
  console.log(r.outputs[0] === (m.getLayer('d1').apply(r.outputs[0]) as tf.Tensor));
}
main();
