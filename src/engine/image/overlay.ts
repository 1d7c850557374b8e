/** A [0,1] heatmap drawn over an image: what a user looks at first. */
import { VebiError } from '../../shared/errors';
import { checkDims } from './check-size';
import { type ColormapName, colormapLut } from './colormap';
import { resizeMap } from './heatmap';

export interface OverlayOptions {
  colormap?: ColormapName;
  /** Size of `heat` when it differs from the image's; it is then resized bilinearly. */
  heatSize?: { height: number; width: number };
  /**
   * false (default): every pixel is blended with the same alpha, as Grad-CAM's show_cam_on_image.
   * true: alpha scales with the heat, so cold regions show the plain image.
   */
  weightByHeat?: boolean;
}

/**
 * image (h x w, 1, 3 or 4 channels; grey is expanded to RGB, alpha dropped) + heat -> RGB:
 * out = (1 - a) * image + a * colormap(heat), a = alpha (or alpha * heat with weightByHeat).
 */
export function overlayHeatmap(image: Uint8Array, h: number, w: number, heat: Float32Array, alpha: number, options: OverlayOptions = {}): Uint8Array {
  checkDims('overlayHeatmap', h, w);
  const n = h * w;
  const channels = image.length / n;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new VebiError('BAD_ARGUMENT', `overlayHeatmap: ${image.length} values are not a ${h} x ${w} image with 1, 3 or 4 channels; pass the image's own height and width.`);
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new VebiError('BAD_ARGUMENT', `overlayHeatmap: alpha must be in [0, 1], got ${alpha}.`);
  let map = heat;
  if (heat.length !== n) {
    const size = options.heatSize;
    if (!size) throw new VebiError('BAD_ARGUMENT', `overlayHeatmap: the heatmap has ${heat.length} values but the image has ${n} pixels; pass options.heatSize so it can be resized.`);
    map = resizeMap(heat, size.height, size.width, h, w, 'bilinear');
  }
  const lut = colormapLut(options.colormap ?? 'turbo');
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const v = map[p];
    const t = v > 0 ? (v < 1 ? v : 1) : 0; // NaN -> 0
    const k = Math.round(t * 255) * 3;
    const a = options.weightByHeat ? alpha * t : alpha;
    for (let c = 0; c < 3; c++) {
      const src = channels === 1 ? image[p] : image[p * channels + c];
      out[p * 3 + c] = Math.round((1 - a) * src + a * lut[k + c]);
    }
  }
  return out;
}
