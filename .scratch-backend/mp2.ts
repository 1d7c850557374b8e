import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../src/engine/backend/wasm-grad-kernels';
async function main() {
  const native = tf.getKernel('MaxPoolGrad', 'wasm')!;
  const nativeBI = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
  await tf.setBackend('wasm');
  registerWasmGradientKernels();
  const shapes: [number[], number, number][] = [[[32, 64, 64, 16], 2, 2], [[32, 32, 32, 32], 2, 2], [[8, 112, 112, 32], 2, 2], [[8,56,56,64],3,2]];
  for (const [shape, f, s] of shapes) {
    const x = tf.relu(tf.randomNormal(shape)) as tf.Tensor4D;
    const y = tf.maxPool(x, f, s, "same");
    const dy = tf.randomNormal(y.shape);
    const attrs = { filterSize: f, strides: s, pad: "same" };
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 10; i++) {
      let t0 = performance.now(); let r = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor; r.dataSync(); a.push(performance.now() - t0); 
      t0 = performance.now(); const info = native.kernelFunc({ inputs: { dy, input: x, output: y }, backend: tf.backend(), attrs }) as tf.TensorInfo; const r2 = tf.engine().makeTensorFromTensorInfo(info); r2.dataSync(); b.push(performance.now() - t0);
      const d = tf.max(tf.abs(tf.sub(r, r2))).dataSync()[0]; 
      r.dispose(); r2.dispose();
    }
    const med = (v: number[]) => v.sort((p, q) => p - q)[v.length >> 1].toFixed(1);
    console.log('maxpoolgrad', shape.join('x'), 'ours', med(a), 'native', med(b));
  }
  const convs: [number[], number[], number, string][] = [[[32,64,64,3],[3,3,3,16],1,'same'], [[32,32,32,16],[3,3,16,32],1,'same'], [[8,112,112,32],[3,3,32,64],2,'same'], [[8,56,56,64],[1,1,64,128],1,'valid'], [[8,28,28,128],[3,3,128,128],2,'same']];
  for (const [xs, ws, s, p] of convs) {
    const x = tf.randomNormal(xs) as tf.Tensor4D; const w = tf.randomNormal(ws) as tf.Tensor4D;
    const y = tf.conv2d(x, w, s, p as 'same'); const dy = tf.randomNormal(y.shape);
    const attrs = { strides: s, pad: p, dataFormat: 'NHWC', inputShape: xs };
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 6; i++) {
      let t0 = performance.now(); const r = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor; r.dataSync(); a.push(performance.now() - t0);
      t0 = performance.now(); const info = nativeBI.kernelFunc({ inputs: { dy, filter: w }, backend: tf.backend(), attrs }) as tf.TensorInfo; const r2 = tf.engine().makeTensorFromTensorInfo(info); r2.dataSync(); b.push(performance.now() - t0);
      const d = tf.max(tf.abs(tf.sub(r, r2))).dataSync()[0]; if (d > 1e-3) console.log('DIFF', d);
      r.dispose(); r2.dispose();
    }
    const med = (v: number[]) => v.sort((p, q) => p - q)[v.length >> 1].toFixed(1);
    console.log('backpropInput', xs.join('x'), ws.join('x'), 's', s, 'ours', med(a), 'native', med(b));
  }
}
main();
