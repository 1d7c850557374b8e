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

/** Overlays are drawn on the original image, at most this many pixels on its long side. */
export const OVERLAY_MAX_SIDE = 512;
/** Overlay opacity of the heatmap in the saved PNGs (the panel has a slider). */
const OVERLAY_ALPHA = 0.5;
/** Small images (MNIST is 28x28) are enlarged to at least this long side, so the maps are legible. */
const MIN_DISPLAY_SIDE = 224;

function enlarge(image: OriginalImage): OriginalImage {
  const factor = Math.ceil(MIN_DISPLAY_SIDE / Math.max(image.width, image.height));
  if (factor <= 1) return image;
  return { pixels: upscaleNearest(image.pixels, image.height, image.width, image.channels, factor), width: image.width * factor, height: image.height * factor, channels: image.channels };
}

/** Writes [0,1] maps of size height x width as colour heatmaps and overlays on the (enlarged) image. */
export function heatmapFileWriter(dir: string, source: OriginalImage, height: number, width: number) {
  const original = enlarge(source);
  const enlarged = (map: Float32Array) => resizeMap(map, height, width, original.height, original.width, 'bilinear');
  const writeOverlay = async (file: string, big: Float32Array) => {
    await writePng(path.join(dir, file), overlayHeatmap(original.pixels, original.height, original.width, big, OVERLAY_ALPHA), original.width, original.height, 3);
    return file;
  };
  const writeMap = async (stem: string, map: Float32Array) => {
    const big = enlarged(map);
    const heatmap = `${stem}-heatmap.png`;
    await writePng(path.join(dir, heatmap), applyColormap(big), original.width, original.height, 3);
    return { heatmap, overlay: await writeOverlay(`${stem}-overlay.png`, big) };
  };
  const writeInput = async (file = 'input.png') => {
    await writePng(path.join(dir, file), original.pixels, original.width, original.height, original.channels as 1 | 3);
    return file;
  };
  return { enlarged, writeOverlay, writeMap, writeInput };
}

export async function renderHeatmapFiles(dir: string, explanation: Explanation, source: OriginalImage) {
  const { enlarged, writeOverlay, writeMap, writeInput } = heatmapFileWriter(dir, source, explanation.height, explanation.width);
  const input = await writeInput();
  const features = await Promise.all(explanation.features.map((feature, i) => writeMap(`feature-${i + 1}`, feature.heatmap)));
  const combined = await writeMap('combined', explanation.combined);
  const absent = await Promise.all(explanation.absent.map((check, i) => (check.heatmap ? writeOverlay(`absent-${i + 1}-overlay.png`, enlarged(check.heatmap)) : undefined)));
  return { input, features, combined, absent };
}
