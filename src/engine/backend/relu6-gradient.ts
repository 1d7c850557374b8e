/**
 * The gradient of ReLU6 in one pass on wasm: dx = dy where 0 < x <= 6, else 0 (relu6-grad.wat).
 * tfjs computes it as dy * cast(x <= 6) * step(x): four full passes and two temporaries (20 ms for
 * a 1x112x112x96 map of MobileNetV2). The gradient is re-registered for every backend with the same
 * mask; only on wasm does it run the one-pass kernel. (A NaN in x gives 0 here, NaN in tfjs.)
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmBackendLike } from './kernel-attrs';
import { relu6GradFor } from './simd/simd-kernels';

export const RELU6_GRAD_KERNEL = 'VebiRelu6Grad';

/** dy, x (float32, same shape) -> dx on the wasm heap: SIMD, else a JavaScript loop. */
function relu6GradWasm({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const out = wasm.makeOutput([...x.shape], 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = relu6GradFor(backend);
  if (simd) {
    simd(heapOffset(wasm, dy), heapOffset(wasm, x), heapOffset(wasm, out), n);
    return out;
  }
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const v = wasm.typedArrayFromHeap(x) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < n; i++) dx[i] = v[i] > 0 && v[i] <= 6 ? g[i] : 0;
  return out;
}

function relu6Backward(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (tf.getBackend() === 'wasm' && dy.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(dy.shape, x.shape)) {
    return tf.engine().runKernel(RELU6_GRAD_KERNEL, { dy, x }) as tf.Tensor;
  }
  return tf.mul(dy, tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), 'float32'));
}

/** Registers the wasm kernel and the ReLU6 gradient that uses it (idempotent). */
export function registerRelu6Gradient(): void {
  if (tf.getKernel(RELU6_GRAD_KERNEL, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: RELU6_GRAD_KERNEL, backendName: 'wasm', kernelFunc: relu6GradWasm as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: 'Relu6',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => relu6Backward(dy as tf.Tensor, saved[0]) }),
  });
}
