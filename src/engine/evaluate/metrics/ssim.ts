/**
 * Structural similarity of two [0,1] maps (Wang et al. 2004), as their reference code computes it:
 * local means, variances and covariance under an 11 x 11 Gaussian window (sigma 1.5, weights summing
 * to 1, population statistics), C1 = (0.01 L)^2 and C2 = (0.03 L)^2 with L = 1, SSIM averaged over
 * the window positions fully inside the map ("valid", no padding).
 * Constant maps need no special case: C1 and C2 keep every denominator positive, two equal constant
 * maps score 1 and a constant map against a textured one scores by its luminance and contrast terms.
 */
import { VebiError } from '../../../shared/errors';

export interface SsimOptions {
  /** 'gaussian' (default, Wang et al.) or 'uniform' (a box filter, population statistics). */
  window?: 'gaussian' | 'uniform';
  /** Window side, odd; default 11. Maps smaller than it use the largest odd side that fits. */
  size?: number;
  /** Gaussian standard deviation in pixels; default 1.5. */
  sigma?: number;
  /** Dynamic range L of the data; default 1 (maps in [0,1]). */
  range?: number;
}

export const SSIM_DEFAULTS = { window: 'gaussian', size: 11, sigma: 1.5, range: 1, k1: 0.01, k2: 0.03 } as const;

/** 1-D window weights (the 2-D window is their outer product), summing to 1. */
export function ssimWindow(size: number, kind: 'gaussian' | 'uniform', sigma: number): Float64Array {
  const half = (size - 1) / 2;
  const w = Float64Array.from({ length: size }, (_, i) => (kind === 'uniform' ? 1 : Math.exp(-((i - half) ** 2) / (2 * sigma * sigma))));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/** Separable "valid" filtering of an h x w map: (h - s + 1) x (w - s + 1) outputs. */
function filterValid(src: Float64Array, h: number, w: number, win: Float64Array): Float64Array {
  const s = win.length;
  const ow = w - s + 1;
  const oh = h - s + 1;
  const rows = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let k = 0; k < s; k++) acc += win[k] * src[y * w + x + k];
      rows[y * ow + x] = acc;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let k = 0; k < s; k++) acc += win[k] * rows[(y + k) * ow + x];
      out[y * ow + x] = acc;
    }
  }
  return out;
}

/** Mean SSIM of two height x width maps (row-major). */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, height: number, width: number, options: SsimOptions = {}): number {
  const n = height * width;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) throw new VebiError('BAD_ARGUMENT', `SSIM needs a positive map size (got ${height} x ${width}).`);
  if (a.length !== n || b.length !== n) throw new VebiError('BAD_ARGUMENT', `SSIM of maps of ${a.length} and ${b.length} values at ${height} x ${width}: both must have ${n}.`);
  const kind = options.window ?? SSIM_DEFAULTS.window;
  const asked = options.size ?? SSIM_DEFAULTS.size;
  if (!Number.isInteger(asked) || asked < 1 || asked % 2 === 0) throw new VebiError('BAD_ARGUMENT', `The SSIM window side must be an odd positive integer (got ${asked}).`);
  const fits = Math.min(height, width);
  const size = Math.min(asked, fits % 2 === 1 ? fits : fits - 1);
  const win = ssimWindow(size, kind, options.sigma ?? SSIM_DEFAULTS.sigma);
  const range = options.range ?? SSIM_DEFAULTS.range;
  const c1 = (SSIM_DEFAULTS.k1 * range) ** 2;
  const c2 = (SSIM_DEFAULTS.k2 * range) ** 2;

  const fa = Float64Array.from(a);
  const fb = Float64Array.from(b);
  const product = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]);
  const muA = filterValid(fa, height, width, win);
  const muB = filterValid(fb, height, width, win);
  const eAA = filterValid(product(fa, fa), height, width, win);
  const eBB = filterValid(product(fb, fb), height, width, win);
  const eAB = filterValid(product(fa, fb), height, width, win);
  let total = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i];
    const mb = muB[i];
    const varA = eAA[i] - ma * ma;
    const varB = eBB[i] - mb * mb;
    const cov = eAB[i] - ma * mb;
    total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
  }
  return total / muA.length;
}
