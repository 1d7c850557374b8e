/** Turns an explanation's [0,1] maps into PNG files: colour heatmaps and overlays on the image. */
import * as path from 'node:path';
import { applyColormap, overlayHeatmap, resizeMap, writePng } from '../image';
import type { Explanation } from './compute-explanation';

export interface OriginalImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Overlay opacity of the heatmap in the saved PNGs (the panel has a slider). */
const OVERLAY_ALPHA = 0.5;

export async function renderHeatmapFiles(dir: string, explanation: Explanation, original: OriginalImage) {
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
  const absent = await Promise.all(explanation.absent.map(async (check, i) => (check.heatmap ? (await writeMap(`absent-${i + 1}`, check.heatmap)).heatmap : undefined)));
  return { input, features, combined, absent };
}
