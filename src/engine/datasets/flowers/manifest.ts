/** dataset.json: what was generated, how, and where each image's mask is. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FLOWER_PARTS, type FlowerPart, type FlowersClass, type FlowersVariant } from './classes';
import { hex, SHARED_PALETTE } from './palette';

export const FLOWERS_MANIFEST = 'dataset.json';
/** Bump when the same arguments would draw different pictures. */
export const FLOWERS_GENERATOR = { name: 'vebi-flowers', version: 1 } as const;

export interface FlowersManifestItem {
  /** Relative to the dataset folder, '/' separators. */
  image: string;
  mask: string;
  label: number;
  /** Fraction of the image under the mask. */
  maskFraction: number;
}

export interface FlowersManifest {
  generator: { name: string; version: number };
  variant: FlowersVariant;
  classes: { index: number; name: string; colours: Partial<Record<FlowerPart, { name: string; hex: string }>> }[];
  /** Parts whose colour decides the class; the mask covers their visible pixels. */
  discriminativeParts: FlowerPart[];
  /** Every part, back to front. */
  parts: readonly FlowerPart[];
  /** Colours of the non-discriminative parts (backgrounds as pale tints), the same for all classes. */
  sharedPalette: { name: string; hex: string }[];
  perClass: number;
  size: number;
  seed: number;
  images: number;
  layout: { images: string; masks: string };
  items: FlowersManifestItem[];
}

export function buildManifest(args: { variant: FlowersVariant; classes: FlowersClass[]; parts: FlowerPart[]; perClass: number; size: number; seed: number; items: FlowersManifestItem[] }): FlowersManifest {
  return {
    generator: { ...FLOWERS_GENERATOR },
    variant: args.variant,
    classes: args.classes.map((cls) => ({
      index: cls.index,
      name: cls.name,
      colours: Object.fromEntries(Object.entries(cls.colours).map(([part, colour]) => [part, { name: colour.name, hex: hex(colour.rgb) }])),
    })),
    discriminativeParts: args.parts,
    parts: FLOWER_PARTS,
    sharedPalette: SHARED_PALETTE.map((colour) => ({ name: colour.name, hex: hex(colour.rgb) })),
    perClass: args.perClass,
    size: args.size,
    seed: args.seed,
    images: args.items.length,
    layout: { images: 'images/<class>/<id>.png', masks: 'masks/<class>/<id>.png' },
    items: args.items,
  };
}

/** The manifest of a previous run in `dir`, or undefined when `dir` holds none. */
export async function readFlowersManifest(dir: string): Promise<FlowersManifest | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dir, FLOWERS_MANIFEST), 'utf8')) as Partial<FlowersManifest>;
    return parsed.generator?.name === FLOWERS_GENERATOR.name ? (parsed as FlowersManifest) : undefined;
  } catch {
    return undefined;
  }
}
