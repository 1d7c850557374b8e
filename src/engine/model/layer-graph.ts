/**
 * VebiModel over a tf.LayersModel: runs the model layer by layer in topological order, so it can
 * return any internal output and swap in the backward rules of a projection (guided ReLU,
 * deconvnet, strided-convolution fix) where tfjs's own gradient is not what the method needs.
 */
import * as tf from '@tensorflow/tfjs';
import { VebiError } from '../../shared/errors';
import type { LayerSummary, ReceptiveField } from '../../shared/report';
import { selectFeatureLayers } from './feature-layer-selection';
import { LayerConfig } from './layer-config';
import { planFields } from './layer-geometry';
import { describeStep, runForward, runPreActivation, runProjection, type StepOp } from './layer-ops';
import { buildLayerPlan, type LayerPlan } from './layer-plan';
import { layerScoreGradient } from './score-gradient';
import { zeroChannels } from './ablation-mask';
import { cloneLayersModel, hasKernel, reinitializeLayer } from './randomize-layers';
import type { ChannelAblation, ProjectionOptions, ScoreGradientOptions, VebiModel } from './types';

/** How class scores and probabilities are read off the end of the model. */
interface ScoreHead {
  step: number;
  /** Probabilities from the scores: softmax unless the model says sigmoid. */
  probs: 'softmax' | 'sigmoid';
  /** True when the scores are the layer's activated output (an activation that is not a squashing one). */
  activated: boolean;
}

function scoreHead(plan: LayerPlan, ops: StepOp[], scoreStep: number, file: string): ScoreHead {
  const out = plan.steps[plan.outputStep];
  const trailing = plan.outputStep !== scoreStep && out.layer ? new LayerConfig(out.layer, file) : undefined;
  const trailingActivation = trailing ? (out.className === 'Softmax' ? 'softmax' : trailing.activation()) : undefined;
  const op = ops[scoreStep];
  const fused = op.kind === 'conv2d' || op.kind === 'depthwise' || op.kind === 'separable' || op.kind === 'dense' ? op.activation : 'linear';
  const squash = trailingActivation ?? fused;
  return { step: scoreStep, probs: squash === 'sigmoid' ? 'sigmoid' : 'softmax', activated: !['softmax', 'sigmoid', 'linear'].includes(fused) };
}

export class LayerGraphModel implements VebiModel {
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  readonly layers: LayerSummary[];
  readonly featureLayers: string[];
  readonly featureCount: number;

  private readonly plan: LayerPlan;
  private readonly ops: StepOp[];
  private readonly fields: (ReceptiveField | undefined)[];
  private readonly index: Map<string, number>;
  private readonly head: ScoreHead;

  constructor(
    private readonly model: tf.LayersModel,
    readonly path: string,
    readonly format: 'tfjs-layers' | 'keras' | 'onnx' = 'tfjs-layers',
  ) {
    this.plan = buildLayerPlan(model, path);
    this.ops = this.plan.steps.map((s) => describeStep(s, path));
    this.fields = planFields(this.plan, path);
    this.index = new Map(this.plan.steps.map((s, i) => [s.name, i]));
    const selection = selectFeatureLayers(this.plan.steps, this.plan.outputStep);
    this.layers = selection.summaries.map((s, i) => (this.fields[i] ? { ...s, receptiveField: this.fields[i] } : s));
    this.featureLayers = selection.featureLayers;
    this.featureCount = selection.featureCount;
    this.head = scoreHead(this.plan, this.ops, selection.scoreStep, path);
    this.inputShape = this.plan.inputShape;
    const outShape = this.plan.steps[this.plan.outputStep].outputShape;
    this.numClasses = outShape[outShape.length - 1];
  }

  private stepIndex(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) {
      const known = this.plan.steps.map((s) => s.name);
      throw new VebiError('BAD_ARGUMENT', `The model has no layer "${name}". Its layers are: ${known.join(', ')}.`, this.path);
    }
    return i;
  }

  private checkInput(x: tf.Tensor4D): void {
    const [, h, w, c] = x.shape;
    const [eh, ew, ec] = this.inputShape;
    if (x.rank !== 4 || h !== eh || w !== ew || c !== ec) {
      throw new VebiError('BAD_ARGUMENT', `The model takes images of shape [batch, ${eh}, ${ew}, ${ec}], got [${x.shape.join(', ')}]. Resize the images to the model's input size.`, this.path);
    }
  }

  /** Steps needed to compute `targets`, in execution order. */
  private ancestors(targets: number[]): number[] {
    const needed = new Set<number>();
    const visit = (i: number): void => {
      if (needed.has(i)) return;
      needed.add(i);
      this.plan.steps[i].inputs.forEach(visit);
    };
    targets.forEach(visit);
    return [...needed].sort((a, b) => a - b);
  }

  forward(x: tf.Tensor4D, layerNames: string[], ablate?: ChannelAblation): { outputs: tf.Tensor[]; logits: tf.Tensor2D; probs: tf.Tensor2D } {
    this.checkInput(x);
    const wanted = layerNames.map((n) => this.stepIndex(n));
    const head = this.head;
    for (const name of ablate?.keys() ?? []) {
      // The scores are read before the head's activation: a mask there would not reach them.
      if (this.stepIndex(name) === head.step) throw new VebiError('BAD_ARGUMENT', `Cannot ablate "${name}": it is the class-score layer.`, this.path);
    }
    const masked = (i: number, t: tf.Tensor) => zeroChannels(t, ablate?.get(this.plan.steps[i].name), this.plan.steps[i].name, this.path);
    return tf.tidy(() => {
      const order = this.ancestors([...wanted, head.step]);
      // Free each intermediate after its last reader: whole-model batches can be large.
      const lastUse = new Map<number, number>();
      for (const i of order) for (const j of this.plan.steps[i].inputs) lastUse.set(j, i);
      const keep = new Set(wanted);
      const values = new Map<number, tf.Tensor>();
      let raw: tf.Tensor | undefined;
      for (const i of order) {
        const step = this.plan.steps[i];
        const inputs = step.inputs.map((j) => values.get(j) as tf.Tensor);
        if (i === 0) {
          values.set(0, masked(0, x));
        } else if (i === head.step) {
          const needOutput = keep.has(i) || lastUse.has(i) || head.activated;
          const out = needOutput ? runForward(step, inputs) : undefined;
          if (out) values.set(i, out);
          raw = head.activated ? out : runPreActivation(step, this.ops[i], inputs, this.path).scores;
        } else {
          values.set(i, masked(i, runForward(step, inputs)));
        }
        for (const j of new Set(step.inputs)) {
          if (lastUse.get(j) !== i || keep.has(j) || j === 0) continue;
          const done = values.get(j);
          values.delete(j);
          // Identity layers (Dropout at inference...) may hand back their input tensor itself.
          if (done && done !== x && ![...values.values()].includes(done)) done.dispose();
        }
      }
      const logits = (raw as tf.Tensor).reshape([x.shape[0], this.numClasses]) as tf.Tensor2D;
      const probs = head.probs === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
      // Each returned tensor is the caller's to dispose: copy the input and any tensor handed out twice.
      const seen = new Set<tf.Tensor>([x]);
      const outputs = wanted.map((i) => {
        const t = values.get(i) as tf.Tensor;
        if (seen.has(t)) return t.clone();
        seen.add(t);
        return t;
      });
      return { outputs, logits, probs };
    });
  }

  project(x: tf.Tensor4D, layer: string, seed: tf.Tensor, options: ProjectionOptions): tf.Tensor4D {
    this.checkInput(x);
    const target = this.stepIndex(layer);
    const expected = [x.shape[0], ...this.plan.steps[target].outputShape];
    if (seed.rank !== expected.length || seed.shape.some((d, i) => d !== expected[i])) {
      throw new VebiError('BAD_ARGUMENT', `The seed for layer "${layer}" must have shape [${expected.join(', ')}] (batch + the layer's output), got [${seed.shape.join(', ')}].`, this.path);
    }
    if (target === 0) return seed.clone() as tf.Tensor4D;
    const order = this.ancestors([target]);
    for (const i of order) {
      if (this.ops[i].kind === 'unsupported') runProjection(this.plan.steps[i], this.ops[i], [], options, this.path); // throws LAYER_UNSUPPORTED
    }
    const run = (input: tf.Tensor): tf.Tensor => {
      const values = new Map<number, tf.Tensor>([[0, input]]);
      for (const i of order) {
        if (i === 0) continue;
        const step = this.plan.steps[i];
        values.set(i, runProjection(step, this.ops[i], step.inputs.map((j) => values.get(j) as tf.Tensor), options, this.path));
      }
      return values.get(target) as tf.Tensor;
    };
    return tf.tidy(() => tf.grad(run)(x, seed) as tf.Tensor4D);
  }

  scoreGradient(x: tf.Tensor4D, seed: tf.Tensor2D, options: ScoreGradientOptions = {}): { activation: tf.Tensor; gradient: tf.Tensor } {
    this.checkInput(x);
    const from = options.layer === undefined ? 0 : this.stepIndex(options.layer);
    const graph = { plan: this.plan, ops: this.ops, scoreStep: this.head.step, scoresActivated: this.head.activated, numClasses: this.numClasses, file: this.path, ancestors: (t: number[]) => this.ancestors(t) };
    return layerScoreGradient(graph, x, seed, from, { rule: options.rule ?? 'gradient', stridedFix: options.stridedFix ?? false });
  }

  receptiveField(layer: string): ReceptiveField | undefined {
    const field = this.fields[this.stepIndex(layer)];
    return field && { size: [...field.size], jump: [...field.jump], offset: [...field.offset] };
  }

  randomizableLayers(): string[] {
    return this.plan.steps.filter((s) => hasKernel(s.layer)).map((s) => s.name);
  }

  async withRandomizedLayers(layerNames: string[], seed: number): Promise<VebiModel> {
    const steps = layerNames.map((name) => this.stepIndex(name));
    const bare = steps.find((i) => !hasKernel(this.plan.steps[i].layer));
    if (bare !== undefined) throw new VebiError('BAD_ARGUMENT', `Layer "${this.plan.steps[bare].name}" has no kernel to re-initialise. Layers with one: ${this.randomizableLayers().join(', ')}.`, this.path);
    const copy = new LayerGraphModel(await cloneLayersModel(this.model, this.path), this.path, this.format);
    try {
      // The copy's plan is built from the same topology: step i is the same layer. A layer's draw
      // depends only on the seed and the layer, so it is the same at every step of a cascade.
      for (const i of steps) reinitializeLayer(copy.plan.steps[i].layer as tf.layers.Layer, seed * 7919 + i);
    } catch (err) {
      copy.dispose();
      throw err;
    }
    return copy;
  }

  dispose(): void {
    this.model.dispose();
  }
}
