/**
 * How each step of a layer plan is executed: plainly (layer.apply, for forward), without its final
 * activation (true class scores) or with the backward rules of a projection. Layers without a
 * special rule run through layer.apply, whose tfjs gradient is the right backward pass for them.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { batchNormWithoutScale } from './batch-norm-projection';
import { projectionConv2d, projectionDepthwise, type ConvSpec } from './conv-ops';
import { canFuseConvRelu, fusedConvRelu } from './fused-conv-relu';
import { reluClip, ruleRelu } from './guided-ops';
import { LayerConfig } from './layer-config';
import type { PlanStep } from './layer-plan';
import type { ProjectionOptions } from './types';

export type StepOp =
  | { kind: 'input' }
  | { kind: 'conv2d' | 'depthwise' | 'separable'; spec: ConvSpec; activation: string; useBias: boolean }
  | { kind: 'dense'; activation: string; useBias: boolean }
  | { kind: 'relu'; max: number }
  | { kind: 'default' }
  | { kind: 'unsupported' };

/**
 * Built-in tfjs layers whose own gradient is the right backward pass for every rule: pooling
 * (max-pool backward included), normalisation, reshaping, merges, padding, other activations.
 */
export const DEFAULT_RULE_CLASSES = new Set([
  'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Masking',
  'BatchNormalization', 'LayerNormalization',
  'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D', 'MaxPooling3D', 'AveragePooling3D',
  'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
  'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
  'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Activation',
  'Conv1D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose',
  'Rescaling', 'CenterCrop', 'Resizing',
]);

/** Reads what the runner needs from a step once, so bad configurations fail at load time. */
export function describeStep(step: PlanStep, file: string): StepOp {
  const layer = step.layer;
  if (!layer) return { kind: 'input' };
  const config = new LayerConfig(layer, file);
  const conv = (kind: 'conv2d' | 'depthwise' | 'separable'): StepOp => ({
    kind,
    spec: { strides: config.pair('strides', [1, 1]), dilation: config.pair('dilationRate', [1, 1]), padding: config.padding() },
    activation: config.activation(),
    useBias: config.boolean('useBias', true),
  });
  switch (step.className) {
    case 'Conv2D':
      return conv('conv2d');
    case 'DepthwiseConv2D':
      return conv('depthwise');
    case 'SeparableConv2D':
      return conv('separable');
    case 'Dense':
      return { kind: 'dense', activation: config.activation(), useBias: config.boolean('useBias', true) };
    case 'ReLU': {
      // tfjs's ReLU layer only knows maxValue; Keras's negative_slope/threshold are dropped on load.
      return { kind: 'relu', max: config.optionalNumber('maxValue') ?? Infinity };
    }
    case 'Activation': {
      const max = reluClip(config.activation());
      return max === undefined ? { kind: 'default' } : { kind: 'relu', max };
    }
    default:
      return DEFAULT_RULE_CLASSES.has(step.className) ? { kind: 'default' } : { kind: 'unsupported' };
  }
}

function one(inputs: tf.Tensor[]): tf.Tensor {
  return inputs[0];
}

/** Plain inference (fused kernels, exactly what model.predict computes). */
export function runForward(step: PlanStep, inputs: tf.Tensor[]): tf.Tensor {
  if (!step.layer) return one(inputs);
  const out = step.layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false });
  if (Array.isArray(out) || !(out instanceof tf.Tensor)) throw new VebiError('INTERNAL', `Layer "${step.name}" did not return one tensor.`);
  return out;
}

const activationLayers = new Map<string, tf.layers.Layer>();

/** Applies a Keras activation by name (the same function the layer would apply). */
function activate(x: tf.Tensor, name: string): tf.Tensor {
  if (name === 'linear') return x;
  let layer = activationLayers.get(name);
  if (!layer) {
    layer = tf.layers.activation({ activation: name as Parameters<typeof tf.layers.activation>[0]['activation'] });
    activationLayers.set(name, layer);
  }
  return layer.apply(x) as tf.Tensor;
}

/** A layer's weights in declaration order (kernel, bias...); tfjs owns these tensors. */
function weightsOf(step: PlanStep, expected: number, file: string): tf.Tensor[] {
  const weights = (step.layer as tf.layers.Layer).getWeights();
  if (weights.length < expected) {
    throw new VebiError('MODEL_CORRUPT', `Layer "${step.name}" (${step.className}) has ${weights.length} weights, expected ${expected}. Re-export the model.`, file);
  }
  return weights;
}

/** Linear part of a layer with weights: conv / depthwise / separable / dense, plus bias. */
function linearPart(step: PlanStep, op: Extract<StepOp, { kind: 'conv2d' | 'depthwise' | 'separable' | 'dense' }>, x: tf.Tensor, stridedFix: boolean, file: string): tf.Tensor {
  const weights = weightsOf(step, (op.kind === 'separable' ? 2 : 1) + (op.useBias ? 1 : 0), file);
  let out: tf.Tensor;
  if (op.kind === 'dense') {
    const shape = x.shape as number[];
    const flat = x.reshape([-1, shape[shape.length - 1]]) as tf.Tensor2D;
    out = tf.matMul(flat, weights[0] as tf.Tensor2D).reshape([...shape.slice(0, -1), (weights[0].shape as number[])[1]]);
  } else if (op.kind === 'conv2d') {
    out = projectionConv2d(x as tf.Tensor4D, weights[0] as tf.Tensor4D, op.spec, stridedFix);
  } else if (op.kind === 'depthwise') {
    out = projectionDepthwise(x as tf.Tensor4D, weights[0] as tf.Tensor4D, op.spec, stridedFix);
  } else {
    const dw = projectionDepthwise(x as tf.Tensor4D, weights[0] as tf.Tensor4D, op.spec, stridedFix);
    out = tf.conv2d(dw, weights[1] as tf.Tensor4D, 1, 'valid');
  }
  return op.useBias ? tf.add(out, weights[weights.length - 1]) : out;
}

/** The class scores of the final layer: its output before its own activation (softmax...). */
export function runPreActivation(step: PlanStep, op: StepOp, inputs: tf.Tensor[], file: string): { scores: tf.Tensor; activation: string } {
  if (op.kind === 'conv2d' || op.kind === 'depthwise' || op.kind === 'separable' || op.kind === 'dense') {
    return { scores: linearPart(step, op, one(inputs), false, file), activation: op.activation };
  }
  return { scores: runForward(step, inputs), activation: 'linear' };
}

/** One step of a projection's forward pass, built so that its backward pass follows `options`. */
export function runProjection(step: PlanStep, op: StepOp, inputs: tf.Tensor[], options: ProjectionOptions, file: string): tf.Tensor {
  switch (op.kind) {
    case 'input':
      return one(inputs);
    case 'relu':
      return ruleRelu(one(inputs), options.rule, op.max);
    case 'conv2d':
    case 'depthwise':
    case 'separable':
    case 'dense': {
      const max = reluClip(op.activation);
      if (op.kind === 'conv2d' && canFuseConvRelu(op.spec, options.stridedFix, max)) {
        const weights = weightsOf(step, op.useBias ? 2 : 1, file);
        return fusedConvRelu(one(inputs) as tf.Tensor4D, weights[0] as tf.Tensor4D, op.useBias ? weights[1] : undefined, op.spec, options.rule);
      }
      const pre = linearPart(step, op, one(inputs), options.stridedFix, file);
      return max === undefined ? activate(pre, op.activation) : ruleRelu(pre, options.rule, max);
    }
    case 'default':
      return (step.className === 'BatchNormalization' && batchNormWithoutScale(step, one(inputs), file)) || runForward(step, inputs);
    case 'unsupported':
      throw new VebiError(
        'LAYER_UNSUPPORTED',
        `Layer "${step.name}" has class ${step.className}, which VEBI has no backward rule for, so signals cannot be projected through it. Project from a layer below it, or replace the custom layer with built-in Keras layers.`,
        file,
      );
  }
}
