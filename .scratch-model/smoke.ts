import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/helpers/backend';
import { buildLeNet, buildBranchy, buildMobileLike, randomImages } from '../test/helpers/tiny-models';
import { LayerGraphModel } from '../src/engine/model/layer-graph';

async function main() {
  await useBackend((process.argv[2] as 'wasm' | 'cpu') ?? 'wasm');
  for (const b of [buildLeNet, buildBranchy, buildMobileLike]) {
    const m = b();
    const g = new LayerGraphModel(m, 'mem');
    console.log(g.layers.map(l => `${l.name}:${l.className}:${l.isFeature ? l.channels : l.skipReason}:${JSON.stringify(l.receptiveField)}`).join('\n'));
    console.log(g.featureLayers, g.featureCount, g.numClasses, g.inputShape);
    const x = randomImages(2, g.inputShape);
    const before = tf.memory().numTensors;
    const r = g.forward(x, g.featureLayers);
    const pred = m.predict(x) as tf.Tensor;
    console.log('probs diff', tf.max(tf.abs(tf.sub(pred, r.probs))).dataSync()[0]);
    for (const [i, name] of g.featureLayers.entries()) {
      const sub = tf.model({ inputs: m.inputs, outputs: m.getLayer(name.split('/').pop()!).output as tf.SymbolicTensor });
      const ref = sub.predict(x) as tf.Tensor;
      const d = tf.max(tf.abs(tf.sub(ref, r.outputs[i]))).dataSync()[0];
      if (d > 1e-5) console.log('MISMATCH', name, d);
    }
    for (const name of g.featureLayers) {
      for (const rule of ['gradient', 'guided', 'deconvnet'] as const) {
        for (const stridedFix of [false, true]) {
          const out = r.outputs[g.featureLayers.indexOf(name)];
          const p = g.project(x, name, out, { rule, stridedFix });
          const s = tf.sum(tf.abs(p)).dataSync()[0];
          if (!Number.isFinite(s)) console.log('nonfinite', name, rule);
          p.dispose();
        }
      }
      // plain gradient vs tf.grad of model sub
      const sub = tf.model({ inputs: m.inputs, outputs: m.getLayer(name.split('/').pop()!).output as tf.SymbolicTensor });
      const out = r.outputs[g.featureLayers.indexOf(name)];
      try {
        const ref = tf.grad((z: tf.Tensor) => sub.apply(z) as tf.Tensor)(x, out);
        const p = g.project(x, name, out, { rule: 'gradient', stridedFix: false });
        const d = tf.max(tf.abs(tf.sub(ref, p))).dataSync()[0];
        console.log('grad', name, d);
      } catch (e) { console.log('ref grad failed', name, (e as Error).message.slice(0, 80)); }
    }
    r.outputs.forEach(t => t.dispose()); r.logits.dispose(); r.probs.dispose();
    console.log('leak', tf.memory().numTensors - before);
  }
}
main();
