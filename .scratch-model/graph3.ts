import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/helpers/backend';
import { writeTinyGraphModel } from '../test/helpers/tiny-models';
import { loadModel } from '../src/engine/model/load-model';
async function main() {
  await useBackend('wasm');
  const file = await writeTinyGraphModel('/tmp/vebi-graph2');
  const m = await loadModel(file);
  const x = tf.randomUniform([2, 10, 10, 2]) as tf.Tensor4D;
  for (let i = 0; i < 4; i++) {
    let before = tf.memory().numTensors;
    const r = m.forward(x, m.featureLayers);
    console.log('after forward', tf.memory().numTensors - before - 5);
    before = tf.memory().numTensors;
    const p = m.project(x, 'pool1', r.outputs[1], { rule: 'guided', stridedFix: true });
    console.log('after project', tf.memory().numTensors - before - 1);
    tf.dispose([...r.outputs, r.logits, r.probs, p]);
  }
}
main();
