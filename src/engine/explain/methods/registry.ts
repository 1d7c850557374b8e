/** One table: method name (as `explain --method NAME` takes it) -> method. */
import { VebiError } from '../../../shared/errors';
import { EXPLANATION_METHODS, isExplanationMethodName, type ExplanationMethodName } from '../../../shared/params';
import type { ExplanationMethod } from './base';
import { GradCam, GradCamPlusPlus, GuidedCam } from './cam-methods';
import { UpsampledActivations, VebiMethod } from './feature-methods';
import { IntegratedGradients, RuleProjection, SmoothGrad, VanillaGradient } from './gradient-methods';

const METHODS: Readonly<Record<ExplanationMethodName, ExplanationMethod>> = {
  vebi: new VebiMethod(),
  'upsampled-activations': new UpsampledActivations(),
  deconvnet: new RuleProjection('deconvnet', 'deconvnet'),
  'guided-backprop': new RuleProjection('guided-backprop', 'guided'),
  gradcam: new GradCam(),
  'guided-gradcam': new GuidedCam('guided-gradcam', new GradCam()),
  'gradcam-plus-plus': new GradCamPlusPlus(),
  'guided-gradcam-plus-plus': new GuidedCam('guided-gradcam-plus-plus', new GradCamPlusPlus()),
  gradient: new VanillaGradient(),
  'integrated-gradients': new IntegratedGradients(),
  smoothgrad: new SmoothGrad(),
};

/** Every method, in the order of EXPLANATION_METHODS (VEBI first, then the baselines). */
export function explanationMethods(): ExplanationMethod[] {
  return EXPLANATION_METHODS.map((m) => METHODS[m.name]);
}

/** The method called `name`; BAD_ARGUMENT listing the valid names otherwise. */
export function explanationMethod(name: string): ExplanationMethod {
  if (!isExplanationMethodName(name)) {
    throw new VebiError('BAD_ARGUMENT', `Unknown explanation method "${name}". Valid methods: ${EXPLANATION_METHODS.map((m) => m.name).join(', ')}.`);
  }
  return METHODS[name];
}
