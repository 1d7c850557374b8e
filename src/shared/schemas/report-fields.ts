/** Fields every report and evaluation summary shares. zod's z.number() already refuses NaN and Infinity. */
import { z } from 'zod';

export const count = z.int().nonnegative();
export const positiveCount = z.int().positive();

export const TOOL_INFO_SCHEMA = z.object({ name: z.string(), version: z.string() });

/** [H, W, C] of the model's input. */
export const INPUT_SHAPE_SCHEMA = z.tuple([positiveCount, positiveCount, positiveCount]);

/** Milliseconds unless the key says otherwise (imagesPerSecond). */
export const TIMINGS_SCHEMA = z.record(z.string(), z.number());

/** The values an explanation method used (layer, steps, samples, seed...). */
export const METHOD_SETTINGS_SCHEMA = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Images that could not be read: informational, never opened again. */
export const SKIPPED_FILES_SCHEMA = z.array(z.object({ path: z.string(), reason: z.string() }));

/** wasm only: the threads XNNPACK ran on. */
export const backendThreads = positiveCount.optional();
