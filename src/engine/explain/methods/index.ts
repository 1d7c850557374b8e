/** The explanation methods' public entry: every export by name. */
export { ExplanationMethod } from './base';
export type { MethodContext, MethodResult, MethodSettings } from './base';
export { defaultCamLayer } from './cam-methods';
export { explanationMethod, explanationMethods } from './registry';
