/** Turns an explanation's [0,1] maps into PNG files: colour heatmaps and overlays on the image. */
import * as path from 'node:path';
import { applyColormap, overlayHeatmap, resizeMap, upscaleNearest, writePng } from '../image';
import type { Explanation } from './compute-explanation';

export interface OriginalImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Overlay opacity of the heatmap in the saved PNGs (the panel has a slider). */
const OVERLAY_ALPHA = 0.5;
/** Small images (MNIST is 28x28) are enlarged to at least this long side, so the maps are legible. */
const MIN_DISPLAY_SIDE = 224;

function enlarge(image: OriginalImage): OriginalImage {
  const factor = Math.ceil(MIN_DISPLAY_SIDE / Math.max(image.width, image.height));
  if (factor <= 1) return image;
  return { pixels: upscaleNearest(image.pixels, image.height, image.width, image.channels, factor), width: image.width * factor, height: image.height * factor, channels: image.channels };
}

export async function renderHeatmapFiles(dir: string, explanation: Explanation, source: OriginalImage) {
  const original = enlarge(source);
  const { height, width } = explanation;
  const writeMap = async (stem: string, map: Float32Array) => {
    const heatmap = `${stem}-heatmap.png`;
    const overlay = `${stem}-overlay.png`;
    const big = resizeMap(map, height, width, original.height, original.width, 'bilinear');
    await writePng(path.join(dir, heatmap), applyColormap(big), original.width, original.height, 3);
    const blended = overlayHeatmap(original.pixels, original.height, original.width, big, OVERLAY_ALPHA);
    await writePng(path.join(dir, overlay), blended, original.width, original.height, 3);
    return { heatmap, overlay };
  };
  const input = 'input.png';
  await writePng(path.join(dir, input), original.pixels, original.width, original.height, original.channels as 1 | 3);
  const features = await Promise.all(explanation.features.map((feature, i) => writeMap(`feature-${i + 1}`, feature.heatmap)));
  const combined = await writeMap('combined', explanation.combined);
  const absent = await Promise.all(explanation.absent.map(async (check, i) => (check.heatmap ? (await writeMap(`absent-${i + 1}`, check.heatmap)).overlay : undefined)));
  return { input, features, combined, absent };
}
