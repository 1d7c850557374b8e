/** The generator's options and their checks: every bad value is a BAD_ARGUMENT that names the flag. */
import { VebiError } from '../../../shared/errors';
import { FLOWERS_VARIANTS, type FlowersVariant } from './classes';

export interface FlowersOptions {
  variant: FlowersVariant;
  /** Images per class, 1..100000. */
  perClass: number;
  /** Width and height in pixels, 32..1024. */
  size: number;
  /** Integer in [0, 2^32 - 1]; the same seed and options give the same bytes. */
  seed: number;
  /** The dataset folder; written atomically, replaced only if it holds a previous flowers dataset. */
  outDir: string;
  /** Renders in flight at once (default 4). */
  concurrency?: number;
}

export const FLOWERS_LIMITS = { minSize: 32, maxSize: 1024, maxPerClass: 100_000, maxSeed: 0xffffffff, maxConcurrency: 64 } as const;

export function checkFlowersOptions(options: FlowersOptions): Required<FlowersOptions> {
  const { variant, perClass, size, seed, outDir } = options;
  if (!FLOWERS_VARIANTS.includes(variant)) {
    throw new VebiError('BAD_ARGUMENT', `Unknown flowers variant "${String(variant)}". Use one of: ${FLOWERS_VARIANTS.join(', ')}.`);
  }
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > FLOWERS_LIMITS.maxPerClass) {
    throw new VebiError('BAD_ARGUMENT', `--per-class must be a whole number from 1 to ${FLOWERS_LIMITS.maxPerClass} (got ${String(perClass)}).`);
  }
  if (!Number.isInteger(size) || size < FLOWERS_LIMITS.minSize || size > FLOWERS_LIMITS.maxSize) {
    throw new VebiError('BAD_ARGUMENT', `--size must be a whole number of pixels from ${FLOWERS_LIMITS.minSize} to ${FLOWERS_LIMITS.maxSize} (got ${String(size)}).`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > FLOWERS_LIMITS.maxSeed) {
    throw new VebiError('BAD_ARGUMENT', `--seed must be a whole number from 0 to ${FLOWERS_LIMITS.maxSeed} (got ${String(seed)}).`);
  }
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    throw new VebiError('BAD_ARGUMENT', 'Missing --out: the folder to write the dataset into.');
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > FLOWERS_LIMITS.maxConcurrency) {
    throw new VebiError('BAD_ARGUMENT', `concurrency must be a whole number from 1 to ${FLOWERS_LIMITS.maxConcurrency} (got ${String(concurrency)}).`);
  }
  return { variant, perClass, size, seed, outDir, concurrency };
}
