/**
 * The two variants of the an8Flower design: the class is fixed by the colour of the petals
 * (single-6c), or by the combination of the petals' and the leaves' colours (double-12c).
 */
import { FLOWER_PART_SCHEMA, FLOWERS_VARIANT_SCHEMA } from '../../../shared/schemas/flowers-manifest';
import type { FlowerPart, FlowersVariant } from '../../../shared/schemas/flowers-manifest';
import { named, type NamedColour } from './palette';

// Listed once, in dataset.json's schema, which checks a manifest read back.
export type { FlowerPart, FlowersVariant };
export const FLOWERS_VARIANTS: readonly FlowersVariant[] = FLOWERS_VARIANT_SCHEMA.options;
/** Parts in drawing order (back to front); leaves may also go behind the stem. */
export const FLOWER_PARTS: readonly FlowerPart[] = FLOWER_PART_SCHEMA.options;

export interface FlowersClass {
  index: number;
  /** Folder name: zero-padded index first, so natural and lexicographic orders agree. */
  name: string;
  /** The colour of each discriminative part for this class. */
  colours: Partial<Record<FlowerPart, NamedColour>>;
}

const SINGLE_PETALS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
const DOUBLE_PETALS = ['red', 'yellow', 'blue', 'purple'] as const;
const DOUBLE_LEAVES = ['green', 'orange', 'cyan'] as const;

export function discriminativeParts(variant: FlowersVariant): FlowerPart[] {
  return variant === 'single-6c' ? ['petals'] : ['petals', 'leaves'];
}

export function flowersClasses(variant: FlowersVariant): FlowersClass[] {
  if (variant === 'single-6c') {
    return SINGLE_PETALS.map((petals, index) => ({ index, name: `${pad(index)}-${petals}-petals`, colours: { petals: named(petals) } }));
  }
  const out: FlowersClass[] = [];
  for (const petals of DOUBLE_PETALS) {
    for (const leaves of DOUBLE_LEAVES) {
      const index = out.length;
      out.push({ index, name: `${pad(index)}-${petals}-petals-${leaves}-leaves`, colours: { petals: named(petals), leaves: named(leaves) } });
    }
  }
  return out;
}

function pad(index: number): string {
  return String(index).padStart(2, '0');
}
