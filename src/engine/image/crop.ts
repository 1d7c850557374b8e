/**
 * Crops, averages and strips for the interpretation images (method.md section 3): receptive-field
 * crops of the top-k images, their pixel-wise average, and the crops side by side.
 * Pixels are 8-bit HWC unless the name says Float.
 */
import { VebiError } from '../../shared/errors';
import { checkDims, checkLength } from './check-size';

function checkInt(what: string, v: number): void {
  if (!Number.isInteger(v)) throw new VebiError('BAD_ARGUMENT', `${what} must be an integer, got ${v}.`);
}

/** Per-channel mean of an image, rounded to 8 bits. */
export function channelMeans(pixels: Uint8Array, channels: number): Uint8Array {
  const sums = new Float64Array(channels);
  for (let i = 0; i < pixels.length; i++) sums[i % channels] += pixels[i];
  const n = pixels.length / channels;
  return Uint8Array.from(sums, (s) => Math.round(s / n));
}

/**
 * The height x width region at (top, left) of an H x W x C image. The region may extend past any
 * border (a receptive field often does): pixels outside take the image's per-channel mean, so the
 * padding neither darkens nor tints the average of many crops.
 */
export function cropWithMeanPadding(pixels: Uint8Array, H: number, W: number, C: number, top: number, left: number, height: number, width: number): Uint8Array {
  checkLength('cropWithMeanPadding', pixels.length, H, W, C);
  checkDims('cropWithMeanPadding region', height, width, C);
  checkInt('cropWithMeanPadding top', top);
  checkInt('cropWithMeanPadding left', left);
  const out = new Uint8Array(height * width * C);
  const inside = top >= 0 && left >= 0 && top + height <= H && left + width <= W;
  if (!inside) {
    const mean = channelMeans(pixels, C);
    for (let i = 0; i < out.length; i++) out[i] = mean[i % C];
  }
  // Copy the rows that overlap the image, clipped to its columns.
  const x0 = Math.max(0, left);
  const x1 = Math.min(W, left + width);
  if (x1 <= x0) return out;
  for (let y = Math.max(0, top); y < Math.min(H, top + height); y++) {
    const src = (y * W + x0) * C;
    const dst = ((y - top) * width + (x0 - left)) * C;
    out.set(pixels.subarray(src, src + (x1 - x0) * C), dst);
  }
  return out;
}

/** Pixel-wise mean of same-size 8-bit images, rounded. */
export function averageImages(list: readonly Uint8Array[], h: number, w: number, c: number): Uint8Array {
  if (list.length === 0) throw new VebiError('BAD_ARGUMENT', 'averageImages needs at least one image.');
  list.forEach((img, i) => checkLength(`averageImages image ${i}`, img.length, h, w, c));
  const sums = new Float64Array(h * w * c);
  for (const img of list) for (let i = 0; i < sums.length; i++) sums[i] += img[i];
  return Uint8Array.from(sums, (s) => Math.round(s / list.length));
}

/** Element-wise mean of same-length float arrays (for example guided-backprop projections). */
export function averageFloat(list: readonly Float32Array[]): Float32Array {
  if (list.length === 0) throw new VebiError('BAD_ARGUMENT', 'averageFloat needs at least one array.');
  const n = list[0].length;
  const bad = list.findIndex((a) => a.length !== n);
  if (bad >= 0) throw new VebiError('BAD_ARGUMENT', `averageFloat: array ${bad} has ${list[bad].length} values but array 0 has ${n}.`);
  const sums = new Float64Array(n);
  for (const a of list) for (let i = 0; i < n; i++) sums[i] += a[i];
  return Float32Array.from(sums, (s) => s / list.length);
}

export interface StripOptions {
  /** Pixels between tiles; default 2. */
  gap?: number;
  /** Tiles per row before wrapping; default all in one row. */
  maxPerRow?: number;
  /** Value of the gap pixels in every channel; default 255 (white). */
  background?: number;
}

/** Same-size tiles left to right, wrapping after maxPerRow. */
export function tileStrip(list: readonly Uint8Array[], h: number, w: number, c: number, options: StripOptions = {}): { pixels: Uint8Array; width: number; height: number } {
  if (list.length === 0) throw new VebiError('BAD_ARGUMENT', 'tileStrip needs at least one tile.');
  list.forEach((img, i) => checkLength(`tileStrip tile ${i}`, img.length, h, w, c));
  const gap = options.gap ?? 2;
  const perRow = Math.min(list.length, options.maxPerRow ?? list.length);
  if (!Number.isInteger(gap) || gap < 0) throw new VebiError('BAD_ARGUMENT', `tileStrip gap must be a non-negative integer, got ${gap}.`);
  if (!Number.isInteger(perRow) || perRow <= 0) throw new VebiError('BAD_ARGUMENT', `tileStrip maxPerRow must be a positive integer, got ${options.maxPerRow}.`);
  const rows = Math.ceil(list.length / perRow);
  const width = perRow * w + (perRow - 1) * gap;
  const height = rows * h + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height * c).fill(options.background ?? 255);
  list.forEach((tile, t) => {
    const oy = Math.floor(t / perRow) * (h + gap);
    const ox = (t % perRow) * (w + gap);
    for (let y = 0; y < h; y++) pixels.set(tile.subarray(y * w * c, (y + 1) * w * c), ((oy + y) * width + ox) * c);
  });
  return { pixels, width, height };
}

/** Each pixel becomes a factor x factor block: a 5 x 5 crop stays sharp when shown large. */
export function upscaleNearest(pixels: Uint8Array, h: number, w: number, c: number, factor: number): Uint8Array {
  checkLength('upscaleNearest', pixels.length, h, w, c);
  if (!Number.isInteger(factor) || factor < 1) throw new VebiError('BAD_ARGUMENT', `upscaleNearest factor must be a positive integer, got ${factor}.`);
  if (factor === 1) return pixels.slice();
  const W = w * factor;
  const out = new Uint8Array(h * factor * W * c);
  const row = new Uint8Array(W * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = pixels.subarray((y * w + x) * c, (y * w + x + 1) * c);
      for (let f = 0; f < factor; f++) row.set(src, (x * factor + f) * c);
    }
    for (let f = 0; f < factor; f++) out.set(row, (y * factor + f) * W * c);
  }
  return out;
}

/** Integer upscale factor that brings the longer side to at least minSide (1 if already there). */
export function displayScale(h: number, w: number, minSide = 96): number {
  return Math.max(1, Math.ceil(minSide / Math.max(h, w)));
}
