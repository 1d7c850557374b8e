/** Maps each step of a layer plan to the receptive-field operation it performs. */
import type { ReceptiveField } from '../../shared/report';
import { effectiveKernel, padAmounts } from './conv-geometry';
import { LayerConfig, type Pair } from './layer-config';
import type { LayerPlan, PlanStep } from './layer-plan';
import { propagateField, type FieldOp } from './receptive-field';

const POINTWISE = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'BatchNormalization', 'LayerNormalization', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Masking',
  'Rescaling',
]);
const WINDOW = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D']);
const MERGE = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);
const WHOLE = new Set(['Flatten', 'Reshape', 'Permute', 'RepeatVector', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'Dot']);

function spatial(shape: number[]): Pair | undefined {
  return shape.length === 3 ? [shape[0], shape[1]] : undefined;
}

export function fieldOpOf(step: PlanStep, steps: PlanStep[], file: string): FieldOp {
  if (!step.layer) return { kind: 'input' };
  const inputShape = steps[step.inputs[0]]?.outputShape ?? [];
  const inSize = spatial(inputShape);
  const config = new LayerConfig(step.layer, file);
  const name = step.className;
  if (spatial(step.outputShape) === undefined) return { kind: 'whole' }; // a vector: each unit sees everything
  if (WINDOW.has(name) && inSize) {
    const pooling = name.endsWith('Pooling2D');
    const kernel = pooling ? config.pair('poolSize', [2, 2]) : config.pair('kernelSize');
    const stride = pooling ? config.pair('strides', kernel) : config.pair('strides', [1, 1]);
    const dilation: Pair = pooling ? [1, 1] : config.pair('dilationRate', [1, 1]);
    const padding = config.padding();
    const padBefore: Pair = [0, 1].map((i) => padAmounts(inSize[i], effectiveKernel(kernel[i], dilation[i]), stride[i], padding)[0]) as Pair;
    return { kind: 'window', kernel, stride, dilation, padBefore };
  }
  if (name === 'ZeroPadding2D') {
    const [[top], [left]] = config.pairOfPairs('padding');
    return { kind: 'shift', units: [-top, -left] };
  }
  if (name === 'Cropping2D') {
    const [[top], [left]] = config.pairOfPairs('cropping');
    return { kind: 'shift', units: [top, left] };
  }
  if (name === 'Dense') return inSize ? { kind: 'pointwise' } : { kind: 'whole' };
  if (POINTWISE.has(name)) return { kind: 'pointwise' };
  if (MERGE.has(name)) return { kind: 'merge' };
  if (WHOLE.has(name)) return { kind: 'whole' };
  return { kind: 'unknown' };
}

/** Receptive fields of every step (undefined where the geometry is not expressible). */
export function planFields(plan: LayerPlan, file: string): (ReceptiveField | undefined)[] {
  const image: Pair = [plan.inputShape[0], plan.inputShape[1]];
  const fields: (ReceptiveField | undefined)[] = [];
  for (const step of plan.steps) {
    fields.push(propagateField(fieldOpOf(step, plan.steps, file), step.inputs.map((i) => fields[i]), image));
  }
  return fields;
}
