import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/helpers/backend';
import { writeTinyGraphModel } from '../test/helpers/tiny-models';
import { safeIOHandler } from '../src/engine/model/safe-io-handler';
async function main() {
  await useBackend('wasm');
  const file = await writeTinyGraphModel('/tmp/vebi-graph');
  const m = await tf.loadGraphModel(safeIOHandler(file));
  console.log(m.inputs, m.outputs, m.inputNodes, m.outputNodes, Object.keys(m.weights));
  const x = tf.randomUniform([2, 10, 10, 2]);
  const outs = m.execute(x, ['conv1/Relu', 'pool1', 'conv2/Relu', 'dense/BiasAdd', 'probs', 'conv1/Conv2D']) as tf.Tensor[];
  console.log(outs.map(t => t.shape));
  const g = tf.grad((z: tf.Tensor) => m.execute(z, 'conv2/Relu') as tf.Tensor)(x, tf.ones([2, 3, 3, 6]));
  console.log(g.shape, g.sum().dataSync());
}
main();
