/**
 * 8-bit pixels -> the float input a model was trained on. The CLI names a mapping with a short
 * string; a model can carry its own in a vebi.json sidecar (see sidecar.ts).
 */
import { VebiError } from '../../shared/errors';
import type { Preprocessing } from '../../shared/params';

// The CLI form is parsed in src/shared: vebi.json's schema (src/shared/schemas) accepts it too.
export { PREPROCESSING_HELP, formatPreprocessing, parsePreprocessing } from '../../shared/preprocessing-text';

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
