/**
 * A projection's Conv2D + bias + ReLU as one op: XNNPACK's fused kernel forward (one pass instead of
 * conv, add and relu, each a full read and write of the activation), and a backward pass written
 * out: the ReLU rule on the saved output (y > 0 exactly where the pre-activation is > 0), then the
 * input gradient of the convolution. Explicit padding goes to the kernels, not into a padded copy.
 * The weights are closed over, so a projection computes no weight gradients.
 * Stride-1 or plain-gradient convolutions without dilation only: the strided fix and dilated kernels
 * keep the general path (conv-ops.ts), which gives the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { explicitPads, type ConvSpec } from './conv-ops';
import { reluRuleBackward, type BackwardRule } from './guided-ops';

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** Whether fusedConvRelu computes this layer's projection step. */
export function canFuseConvRelu(spec: ConvSpec, stridedFix: boolean, clip: number | undefined): boolean {
  const strided = spec.strides[0] > 1 || spec.strides[1] > 1;
  return clip === Infinity && spec.dilation[0] === 1 && spec.dilation[1] === 1 && !(strided && stridedFix);
}

export function fusedConvRelu(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor | undefined, spec: ConvSpec, rule: BackwardRule): tf.Tensor4D {
  const [kh, kw] = kernel.shape;
  const [rows, cols] = explicitPads([x.shape[1], x.shape[2]], [kh, kw], spec);
  const pad: ExplicitPad = [[0, 0], rows, cols, [0, 0]];
  const attrs = { strides: spec.strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    // runKernel, not tf.fused.conv2d: under a gradient tape that op falls back to three unfused ops.
    const y = tf.engine().runKernel('FusedConv2D', bias ? { x: input, filter: kernel, bias } : { x: input, filter: kernel }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dPre = reluRuleBackward(dy, saved[0], rule);
        return tf.engine().runKernel('Conv2DBackpropInput', { dy: dPre, filter: kernel }, { strides: spec.strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: input.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
