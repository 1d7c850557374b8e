import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../src/engine/backend/wasm-grad-kernels';
async function main() {
  const native = tf.getKernel('MaxPoolGrad', 'wasm')!;
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
  const xv = tf.randomNormal([2, 6, 6, 3]).dataSync(); 
  const shape = [2,6,6,3];
  const res: Record<string, Float32Array> = {};
  for (const be of ['wasm', 'cpu']) {
    await tf.setBackend(be);
    const x = tf.tensor4d(xv, shape as [number,number,number,number]);
    const y = tf.maxPool(x, 2, 2, 'valid'); const dy = tf.onesLike(y);
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    res[be] = (tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor).dataSync() as Float32Array;
    if (be === 'wasm') { const info = native.kernelFunc({ inputs: { dy, input: x, output: y }, backend: tf.backend(), attrs }) as tf.TensorInfo; res.native = tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array; }
  }
  const d = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  console.log('ours-cpu', d(res.wasm, res.cpu), 'native-cpu', d(res.native, res.cpu));
  console.log(Array.from(xv.slice(0, 36)).map(v=>v.toFixed(2)).join(' '));
  console.log('cpu   ', Array.from(res.cpu.slice(0, 36)).join(' '));
  console.log('native', Array.from(res.native.slice(0, 36)).join(' '));
  console.log('ours  ', Array.from(res.wasm.slice(0, 36)).join(' '));
}
main();
