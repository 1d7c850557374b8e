/**
 * The short text form of a Preprocessing ("unit", "meanstd:0.485,0.456,0.406:0.229,0.224,0.225"),
 * used by the CLI, the settings and vebi.json. Pure string work, so the file schemas can use it.
 */
import { VebiError } from './errors';
import type { Preprocessing } from './params';

export const PREPROCESSING_HELP =
  "Use 'unit' (x/255, [0,1]), 'raw' (x, [0,255]), 'symmetric' (x/127.5-1, [-1,1]) or 'meanstd:M1,M2,M3:S1,S2,S3[:unit|raw]' " +
  "((x/255 - mean)/std per channel; add ':raw' when mean and std are in 0..255 units), for example 'meanstd:0.485,0.456,0.406:0.229,0.224,0.225'.";

function parseNumbers(text: string, flag: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((s) => s === '') || values.some((v) => !Number.isFinite(v))) {
    throw new VebiError('BAD_ARGUMENT', `Preprocessing '${flag}': '${text}' is not a comma-separated list of numbers. ${PREPROCESSING_HELP}`);
  }
  return values;
}

/** Parses the CLI form; throws BAD_ARGUMENT with the accepted forms otherwise. */
export function parsePreprocessing(flag: string): Preprocessing {
  const text = flag.trim();
  if (text === 'unit' || text === 'raw' || text === 'symmetric') return { kind: text };
  const parts = text.split(':');
  if (parts[0] === 'meanstd' && (parts.length === 3 || parts.length === 4)) {
    const mean = parseNumbers(parts[1], flag);
    const std = parseNumbers(parts[2], flag);
    if (std.some((s) => s === 0)) throw new VebiError('BAD_ARGUMENT', `Preprocessing '${flag}': a std of 0 would divide by zero. ${PREPROCESSING_HELP}`);
    if (mean.length !== std.length) throw new VebiError('BAD_ARGUMENT', `Preprocessing '${flag}': ${mean.length} mean values but ${std.length} std values; give the same number of each. ${PREPROCESSING_HELP}`);
    if (parts.length === 4 && parts[3] !== 'unit' && parts[3] !== 'raw') {
      throw new VebiError('BAD_ARGUMENT', `Preprocessing '${flag}': the scale must be 'unit' or 'raw', got '${parts[3]}'. ${PREPROCESSING_HELP}`);
    }
    return parts.length === 4 ? { kind: 'meanstd', mean, std, scale: parts[3] as 'unit' | 'raw' } : { kind: 'meanstd', mean, std };
  }
  throw new VebiError('BAD_ARGUMENT', `Unknown preprocessing '${flag}'. ${PREPROCESSING_HELP}`);
}

/** Inverse of parsePreprocessing, for reports and settings. */
export function formatPreprocessing(p: Preprocessing): string {
  if (p.kind !== 'meanstd') return p.kind;
  return `meanstd:${p.mean.join(',')}:${p.std.join(',')}${p.scale ? `:${p.scale}` : ''}`;
}
