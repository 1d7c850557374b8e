/** dataset.json: what was generated, how, and where each image's mask is. */
import * as path from 'node:path';
import { z } from 'zod';
import { DATASET_JSON_GENERATOR_SCHEMA, FLOWERS_MANIFEST_HEADER_SCHEMA, FLOWERS_MANIFEST_SCHEMA } from '../../../shared/schemas/flowers-manifest';
import type { FlowersManifest, FlowersManifestItem } from '../../../shared/schemas/flowers-manifest';
import { checkJsonFileValue, fileIsMissing, parseJsonFile } from '../../report/parse-json-file';
import type { JsonFileOptions } from '../../report/parse-json-file';
import { FLOWER_PARTS, type FlowerPart, type FlowersClass, type FlowersVariant } from './classes';
import { hex, SHARED_PALETTE } from './palette';

export const FLOWERS_MANIFEST = 'dataset.json';
/** Bump when the same arguments would draw different pictures. */
export const FLOWERS_GENERATOR = { name: 'vebi-flowers', version: 1 } as const;

export type { FlowersManifest, FlowersManifestItem };

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

/**
 * dataset.json in `dir` through `schema`: undefined when there is none or another tool wrote it
 * (no "generator": {"name": "vebi-flowers"}); REPORT_INVALID when it is not JSON, or claims to be
 * ours but does not match.
 */
async function readOwnDatasetJson<S extends z.ZodType>(dir: string, schema: S): Promise<z.output<S> | undefined> {
  const file = path.join(dir, FLOWERS_MANIFEST);
  if (await fileIsMissing(file)) return undefined;
  const options: JsonFileOptions = { what: 'The dataset manifest', code: 'REPORT_INVALID', hint: 'Re-run "vebi dataset flowers" into a new folder, or delete the file.' };
  const json = await parseJsonFile(file, z.unknown(), options);
  if (DATASET_JSON_GENERATOR_SCHEMA.safeParse(json).data?.generator?.name !== FLOWERS_GENERATOR.name) return undefined;
  return checkJsonFileValue(file, json, schema, options);
}

/** The flowers manifest of `dir`, checked in full (see readOwnDatasetJson). */
export async function readFlowersManifest(dir: string): Promise<FlowersManifest | undefined> {
  return readOwnDatasetJson(dir, FLOWERS_MANIFEST_SCHEMA);
}

/** Only the variant, which is all the localization evaluation needs (see readOwnDatasetJson). */
export async function readFlowersVariant(dir: string): Promise<FlowersVariant | undefined> {
  return (await readOwnDatasetJson(dir, FLOWERS_MANIFEST_HEADER_SCHEMA))?.variant;
}
