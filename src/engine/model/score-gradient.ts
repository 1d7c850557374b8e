/**
 * Class-score gradients for the layer-by-layer models: d(sum seed * logits) / d(output of a step),
 * back through the steps above it with a projection's backward rules. Steps that do not depend on
 * that output are computed once, outside the differentiated function, as constants.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import { runForward, runPreActivation, runProjection, type StepOp } from './layer-ops';
import type { LayerPlan } from './layer-plan';
import type { ProjectionOptions } from './types';

/** What the gradient needs to know about a layer model. */
export interface ScoreGraph {
  plan: LayerPlan;
  ops: StepOp[];
  /** The step producing the class scores, and whether they are its activated output. */
  scoreStep: number;
  scoresActivated: boolean;
  numClasses: number;
  file: string;
  /** Steps needed to compute `targets`, in execution order. */
  ancestors(targets: number[]): number[];
}

/** `from`'s output and the gradient of seed . logits with respect to it (tensors owned by the caller). */
export function layerScoreGradient(graph: ScoreGraph, x: tf.Tensor4D, seed: tf.Tensor2D, from: number, rules: ProjectionOptions): { activation: tf.Tensor; gradient: tf.Tensor } {
  const { plan, ops, scoreStep, file } = graph;
  const batch = x.shape[0];
  if (seed.rank !== 2 || seed.shape[0] !== batch || seed.shape[1] !== graph.numClasses) {
    throw new VebiError('BAD_ARGUMENT', `The class-score seed must have shape [${batch}, ${graph.numClasses}] (batch, classes), got [${seed.shape.join(', ')}].`, file);
  }
  const order = graph.ancestors([scoreStep]);
  if (!order.includes(from)) {
    throw new VebiError('BAD_ARGUMENT', `Layer "${plan.steps[from].name}" does not feed the class scores, so they have no gradient there.`, file);
  }
  // Steps downstream of `from` (steps are in topological order, so one pass finds them all).
  const downstream = new Set([from]);
  for (const i of order) if (plan.steps[i].inputs.some((j) => downstream.has(j))) downstream.add(i);
  for (const i of downstream) {
    if (i !== from && ops[i].kind === 'unsupported') runProjection(plan.steps[i], ops[i], [], rules, file); // throws LAYER_UNSUPPORTED
  }
  const inputsOf = (i: number, values: Map<number, tf.Tensor>) => plan.steps[i].inputs.map((j) => values.get(j) as tf.Tensor);
  // The class score is the logit: the score layer without its softmax (unless its activation is not a squashing one).
  const logitsOf = (inputs: tf.Tensor[]) => runPreActivation(plan.steps[scoreStep], ops[scoreStep], inputs, file).scores;
  const isLogits = (i: number) => i === scoreStep && !graph.scoresActivated;
  return tf.tidy(() => {
    const constants = new Map<number, tf.Tensor>([[0, x]]);
    for (const i of order) {
      if (i === 0 || (i !== from && downstream.has(i))) continue;
      const inputs = inputsOf(i, constants);
      constants.set(i, isLogits(i) ? logitsOf(inputs) : runForward(plan.steps[i], inputs));
    }
    const activation = constants.get(from) as tf.Tensor;
    const scores = (a: tf.Tensor): tf.Tensor => {
      const values = new Map(constants).set(from, a);
      for (const i of order) {
        if (i === from || !downstream.has(i)) continue;
        const inputs = inputsOf(i, values);
        values.set(i, isLogits(i) ? logitsOf(inputs) : runProjection(plan.steps[i], ops[i], inputs, rules, file));
      }
      return (values.get(scoreStep) as tf.Tensor).reshape([batch, graph.numClasses]);
    };
    const gradient = tf.grad(scores)(activation, seed);
    return { activation: activation === x ? x.clone() : activation, gradient };
  });
}
