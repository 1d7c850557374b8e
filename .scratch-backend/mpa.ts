import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
async function main() {
  for (const [shape, f, s, pad, relu] of [[[2,7,7,3],3,2,'same',false],[[2,6,6,3],2,2,'valid',true],[[2,9,9,4],3,2,'valid',false],[[2,5,5,2],2,1,'same',true]] as [number[],number,number,'same'|'valid',boolean][]) {
    await tf.setBackend('cpu');
    const xc = tf.randomNormal(shape); const xv = (relu ? tf.relu(xc) : xc).dataSync();
    const res: Record<string, Float32Array> = {};
    for (const be of ['cpu', 'wasm']) {
      await tf.setBackend(be);
      const x = tf.tensor4d(xv, shape as [number,number,number,number]);
      const y = tf.maxPool(x, f, s, pad);
      const dy = tf.randomUniform(y.shape, 1, 2, 'float32', 7);
      res[be] = (tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: f, strides: s, pad }) as tf.Tensor).dataSync() as Float32Array;
      const [, idx] = tf.engine().runKernel('MaxPoolWithArgmax', { x }, { filterSize: f, strides: s, pad, includeBatchInIndex: true }) as tf.Tensor[];
      const sc = tf.scatterND(tf.reshape(idx, [-1, 1]), tf.reshape(dy, [-1]), [x.size]);
      res[be + '-argmax'] = sc.dataSync() as Float32Array;
    }
    const d = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    console.log(shape.join('x'), f, s, pad, relu, 'wasmNative-cpu', d(res.wasm, res.cpu), 'cpuArgmax-cpu', d(res['cpu-argmax'], res.cpu), 'wasmArgmax-cpu', d(res['wasm-argmax'], res.cpu));
  }
}
main();
