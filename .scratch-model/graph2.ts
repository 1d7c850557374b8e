import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/helpers/backend';
import { writeTinyGraphModel } from '../test/helpers/tiny-models';
import { loadModel } from '../src/engine/model/load-model';
async function main() {
  await useBackend('wasm');
  const file = await writeTinyGraphModel('/tmp/vebi-graph2');
  const m = await loadModel(file);
  console.log(JSON.stringify(m.layers, null, 0));
  console.log(m.featureLayers, m.featureCount, m.numClasses, m.inputShape, m.backwardRules);
  const x = tf.randomUniform([2, 10, 10, 2]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const r = m.forward(x, m.featureLayers);
  console.log(r.outputs.map(t => t.shape), r.logits.shape, r.probs.sum(1).dataSync());
  const p = m.project(x, 'pool1', r.outputs[1], { rule: 'guided', stridedFix: true });
  console.log(p.shape);
  tf.dispose([...r.outputs, r.logits, r.probs, p]);
  console.log('leak', tf.memory().numTensors - before);
}
main();
