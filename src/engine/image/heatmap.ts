/**
 * Input-space signals -> [0,1] heatmaps (method.md section 4, step 5) and the map operations
 * around them. Maps are single-channel Float32Array, row-major h x w.
 */
import { VebiError } from '../../shared/errors';
import { checkDims, checkLength } from './check-size';

/**
 * (x - min) / (max - min) into a new array. A constant map (no spatial information) gives all
 * zeros, never NaN; non-finite entries are ignored for min/max and come out as 0.
 */
export function minMaxNormalize(map: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float32Array(map.length);
  const range = max - min;
  if (!(range > 0) || !Number.isFinite(range)) return out;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    out[i] = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - min) / range)) : 0;
  }
  return out;
}

/**
 * Guided-backprop signal (h x w x c, HWC) -> heatmap: keep the positive part, L2 norm over the
 * colour channels per pixel, min-max to [0,1]. Non-finite values count as 0 so one bad gradient
 * cannot turn the whole map into NaN.
 */
export function signalToHeatmap(signal: Float32Array, h: number, w: number, c: number): Float32Array {
  checkLength('signalToHeatmap', signal.length, h, w, c);
  const norms = new Float32Array(h * w);
  for (let p = 0, i = 0; p < h * w; p++) {
    let sum = 0;
    for (let k = 0; k < c; k++, i++) {
      const v = signal[i];
      if (v > 0 && v !== Infinity) sum += v * v; // NaN fails v > 0
    }
    norms[p] = Math.sqrt(sum);
  }
  return minMaxNormalize(norms);
}

/** Pixel-wise maximum: the combined explanation of the kept features. */
export function combineMax(maps: readonly Float32Array[]): Float32Array {
  if (maps.length === 0) throw new VebiError('BAD_ARGUMENT', 'combineMax needs at least one map; with no kept features use an all-zero map instead.');
  const n = maps[0].length;
  const bad = maps.findIndex((m) => m.length !== n);
  if (bad >= 0) throw new VebiError('BAD_ARGUMENT', `combineMax: map ${bad} has ${maps[bad].length} values but map 0 has ${n}; resize the maps to one size first.`);
  const out = Float32Array.from(maps[0]);
  for (let m = 1; m < maps.length; m++) {
    const map = maps[m];
    for (let i = 0; i < n; i++) if (map[i] > out[i]) out[i] = map[i];
  }
  return out;
}

/**
 * Resizes an h x w map to H x W with pixel centres aligned (half-pixel convention, as
 * tf.image.resize and PIL). Bilinear values stay within the input's range, so [0,1] stays [0,1].
 * Meant for display-size upsampling; a large downsample with 'bilinear' aliases.
 */
export function resizeMap(map: Float32Array, h: number, w: number, H: number, W: number, mode: 'bilinear' | 'nearest' = 'bilinear'): Float32Array {
  checkLength('resizeMap', map.length, h, w);
  checkDims('resizeMap target', H, W);
  if (h === H && w === W) return Float32Array.from(map);
  const out = new Float32Array(H * W);
  const sy = h / H;
  const sx = w / W;
  if (mode === 'nearest') {
    for (let y = 0; y < H; y++) {
      const iy = Math.min(h - 1, Math.floor((y + 0.5) * sy));
      for (let x = 0; x < W; x++) out[y * W + x] = map[iy * w + Math.min(w - 1, Math.floor((x + 0.5) * sx))];
    }
    return out;
  }
  // Precompute column taps once; rows are computed on the fly.
  const x0s = new Int32Array(W);
  const x1s = new Int32Array(W);
  const fxs = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(w - 1, x0s[x] + 1);
    fxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    const r0 = y0 * w;
    const r1 = y1 * w;
    for (let x = 0; x < W; x++) {
      const a = map[r0 + x0s[x]] + (map[r0 + x1s[x]] - map[r0 + x0s[x]]) * fxs[x];
      const b = map[r1 + x0s[x]] + (map[r1 + x1s[x]] - map[r1 + x0s[x]]) * fxs[x];
      out[y * W + x] = a + (b - a) * ty;
    }
  }
  return out;
}
