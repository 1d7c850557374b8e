/** The model package's public entry: every export by name. */
export { loadModel, resolveModelJson } from './load-model';
export { saveLayersModel, WEIGHTS_FILE } from './save-layers-model';
export { safeIOHandler, readModelJson, readModelJsonFile } from './safe-io-handler';
export { locateShards } from './weight-files';
export { LayerGraphModel } from './layer-graph';
export { GraphModelAdapter } from './graph-model';
export { fieldSpan, wholeImage } from './receptive-field';
export type { BackwardRules, ModelFormat, ProjectionOptions, VebiModel } from './types';
