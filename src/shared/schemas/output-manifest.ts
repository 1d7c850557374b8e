/**
 * vebi-output.json: written into every folder VEBI produces, naming the tool, the kind of result
 * and each file with its size and SHA-256, so VEBI replaces or serves only what it wrote.
 */
import { z } from 'zod';
import { safeRelativePath } from './safe-relative-path';

export const OUTPUT_KINDS = ['interpretation', 'explanation', 'comparison', 'localization', 'ablation', 'sanity', 'dataset', 'model', 'export'] as const;

export const OUTPUT_MANIFEST_SCHEMA = z.object({
  tool: z.literal('vebi'),
  version: z.string(),
  kind: z.enum(OUTPUT_KINDS),
  createdAt: z.string(),
  files: z.array(
    z.object({
      /** Relative to the folder, '/' separators. */
      path: safeRelativePath,
      bytes: z.int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits'),
    }),
  ),
});

export type OutputManifest = z.infer<typeof OUTPUT_MANIFEST_SCHEMA>;
