/** <cacheDir>/models/<model hash>.json: which cached report folder is the model's latest. */
import { z } from 'zod';

export const CACHE_INDEX_SCHEMA = z.object({
  /** The report folder's name under <cacheDir>/reports: a SHA-256, so it can name nothing else. */
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits (a SHA-256)'),
  storedAt: z.string(),
});

export type CacheIndex = z.infer<typeof CACHE_INDEX_SCHEMA>;
