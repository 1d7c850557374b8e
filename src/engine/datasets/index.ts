/** Synthetic datasets with ground truth by design (an8Flower-style flowers). */
export { generateFlowers } from './flowers/generate';
export type { FlowersHooks, FlowersResult } from './flowers/generate';
export { checkFlowersOptions, FLOWERS_LIMITS } from './flowers/options';
export type { FlowersOptions } from './flowers/options';
export { discriminativeParts, flowersClasses, FLOWER_PARTS, FLOWERS_VARIANTS } from './flowers/classes';
export type { FlowerPart, FlowersClass, FlowersVariant } from './flowers/classes';
export { FLOWERS_GENERATOR, FLOWERS_MANIFEST, readFlowersManifest } from './flowers/manifest';
export type { FlowersManifest, FlowersManifestItem } from './flowers/manifest';
export { COLOURS, SHARED_PALETTE } from './flowers/palette';
export type { ColourName, NamedColour, Rgb } from './flowers/palette';
