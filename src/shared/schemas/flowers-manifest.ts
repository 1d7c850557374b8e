/**
 * dataset.json, written by `vebi dataset flowers`: what was generated, how, and where each image's
 * mask is (paths relative to the dataset folder).
 */
import { z } from 'zod';
import { count, positiveCount } from './report-fields';
import { safeRelativePath } from './safe-relative-path';

/** The class is fixed by the petals' colour (single-6c), or by the petals' and the leaves' colours (double-12c). */
export const FLOWERS_VARIANT_SCHEMA = z.enum(['single-6c', 'double-12c']);

/** Parts in drawing order (back to front); leaves may also go behind the stem. */
export const FLOWER_PART_SCHEMA = z.enum(['background', 'stem', 'leaves', 'petals', 'centre', 'grass']);

const NAMED_HEX_SCHEMA = z.object({ name: z.string(), hex: z.string().regex(/^#[0-9a-f]{6}$/, 'must be a colour as #rrggbb') });

export const FLOWERS_MANIFEST_ITEM_SCHEMA = z.object({
  /** Relative to the dataset folder, '/' separators. */
  image: safeRelativePath,
  mask: safeRelativePath,
  label: count,
  /** Fraction of the image under the mask. */
  maskFraction: z.number().min(0).max(1),
});

export const FLOWERS_MANIFEST_SCHEMA = z.object({
  generator: z.object({ name: z.string(), version: count }),
  variant: FLOWERS_VARIANT_SCHEMA,
  classes: z.array(z.object({ index: count, name: z.string(), colours: z.partialRecord(FLOWER_PART_SCHEMA, NAMED_HEX_SCHEMA) })),
  /** Parts whose colour decides the class; the mask covers their visible pixels. */
  discriminativeParts: z.array(FLOWER_PART_SCHEMA),
  /** Every part, back to front. */
  parts: z.array(FLOWER_PART_SCHEMA).readonly(),
  /** Colours of the non-discriminative parts (backgrounds as pale tints), the same for all classes. */
  sharedPalette: z.array(NAMED_HEX_SCHEMA),
  perClass: positiveCount,
  size: positiveCount,
  seed: z.int(),
  images: count,
  layout: z.object({ images: z.string(), masks: z.string() }),
  items: z.array(FLOWERS_MANIFEST_ITEM_SCHEMA),
});

/** What the localization evaluation uses of the manifest: the variant names its results. */
export const FLOWERS_MANIFEST_HEADER_SCHEMA = FLOWERS_MANIFEST_SCHEMA.pick({ generator: true, variant: true });

/** Enough of any dataset.json to tell whether the flowers generator wrote it: other tools write dataset.json files too. */
// Stryker disable next-line ObjectLiteral: only generator.name is read (datasets/flowers/manifest.ts); a generator without a name gives undefined either way
export const DATASET_JSON_GENERATOR_SCHEMA = z.looseObject({ generator: z.looseObject({ name: z.unknown() }).optional() });

export type FlowersVariant = z.infer<typeof FLOWERS_VARIANT_SCHEMA>;
export type FlowerPart = z.infer<typeof FLOWER_PART_SCHEMA>;
export type FlowersManifestItem = z.infer<typeof FLOWERS_MANIFEST_ITEM_SCHEMA>;
export type FlowersManifest = z.infer<typeof FLOWERS_MANIFEST_SCHEMA>;
