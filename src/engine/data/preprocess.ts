/**
 * 8-bit pixels -> the float input a model was trained on. The CLI names a mapping with a short
 * string; a model can carry its own in a vebi.json sidecar (see sidecar.ts).
 */
import { VebiError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';

/** Per-channel affine map: value = pixel * scale[c] + offset[c]. Every kind reduces to this. */
function affine(p: Preprocessing, channels: number): { scale: Float64Array; offset: Float64Array } {
  const scale = new Float64Array(channels);
  const offset = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    switch (p.kind) {
      case 'unit':
        scale[c] = 1 / 255;
        break;
      case 'raw':
        scale[c] = 1;
        break;
      case 'symmetric':
        scale[c] = 1 / 127.5;
        offset[c] = -1;
        break;
      case 'meanstd': {
        const mean = p.mean.length === 1 ? p.mean[0] : p.mean[c];
        const std = p.std.length === 1 ? p.std[0] : p.std[c];
        const unit = (p.scale ?? 'unit') === 'unit' ? 1 / 255 : 1;
        scale[c] = unit / std;
        offset[c] = -mean / std;
        break;
      }
    }
  }
  return { scale, offset };
}

/** Throws BAD_ARGUMENT unless p can be applied to images with this many channels. */
export function checkPreprocessing(p: Preprocessing, channels: number, where = 'preprocessing'): void {
  if (p.kind !== 'meanstd') return;
  for (const [name, values] of [['mean', p.mean], ['std', p.std]] as const) {
    if (values.length !== 1 && values.length !== channels) {
      throw new VebiError('BAD_ARGUMENT', `${where}: ${name} has ${values.length} values but the model takes ${channels}-channel images. Give 1 value or ${channels}.`);
    }
  }
  if (p.std.some((s) => !Number.isFinite(s) || s === 0)) throw new VebiError('BAD_ARGUMENT', `${where}: every std value must be a finite non-zero number, got [${p.std.join(', ')}].`);
  if (p.mean.some((m) => !Number.isFinite(m))) throw new VebiError('BAD_ARGUMENT', `${where}: every mean value must be finite, got [${p.mean.join(', ')}].`);
}

/** Writes the preprocessed pixels into out[offset..]; lets a batch fill one buffer without copies. */
export function preprocessInto(pixels: Uint8Array, channels: number, p: Preprocessing, out: Float32Array, offset = 0): void {
  checkPreprocessing(p, channels);
  if (pixels.length % channels !== 0) {
    throw new VebiError('BAD_ARGUMENT', `preprocess: ${pixels.length} values do not split into ${channels}-channel pixels.`);
  }
  const { scale, offset: shift } = affine(p, channels);
  const n = pixels.length;
  if (channels === 1) {
    const s = scale[0];
    const o = shift[0];
    for (let i = 0; i < n; i++) out[offset + i] = pixels[i] * s + o;
    return;
  }
  for (let i = 0; i < n; i++) {
    const c = i % channels;
    out[offset + i] = pixels[i] * scale[c] + shift[c];
  }
}

export function preprocess(pixels: Uint8Array, channels: number, p: Preprocessing): Float32Array {
  const out = new Float32Array(pixels.length);
  preprocessInto(pixels, channels, p, out, 0);
  return out;
}

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
