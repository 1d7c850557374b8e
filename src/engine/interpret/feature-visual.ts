/**
 * What one feature has learned (method.md section 3): its top-k images cropped to the receptive
 * field of the arg-max unit, averaged; the crops as a strip; and the average guided-backprop
 * projection over the same crops. A top image whose file can no longer be read is left out; if none
 * is left, the pictures are blank (mid-grey) and the list of top images is empty.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FeatureVisual, ReceptiveField } from '../../shared/report';
import type { TopEntry } from '../features/top-k-tracker';
import type { VebiModel } from '../model/types';
import { averageImages, cropWithMeanPadding, tileStrip, upscaleNearest, writePng } from '../image';
import type { ImageSource } from './image-source';
import { channelSeed } from '../explain/channel-seed';

/** Crops smaller than this are enlarged (nearest neighbour) so a 5x5 field is visible. */
const MIN_DISPLAY_SIDE = 64;

export interface VisualTarget {
  layer: string;
  channel: number;
  /** Base of the PNG file names, relative to the report folder. */
  fileStem: string;
}

export async function renderFeatureVisual(
  model: VebiModel,
  target: VisualTarget,
  top: TopEntry[],
  images: ImageSource,
  reportDir: string,
): Promise<FeatureVisual> {
  const [height, width] = model.inputShape;
  const channels = model.inputShape[2] as 1 | 3;
  const field = model.receptiveField(target.layer) ?? wholeImage(height, width);
  const layerShape = model.layers.find((l) => l.name === target.layer)?.outputShape ?? [];
  const mapWidth = layerShape.length === 3 ? layerShape[1] : 1;
  const results = await Promise.all(top.map((entry) => images.load(entry.image)));
  const kept = top.flatMap((entry, i) => {
    const image = results[i];
    return image ? [{ entry, image }] : [];
  });

  const boxes = kept.map(({ entry }) => fieldBox(field, Math.floor(entry.position / mapWidth), entry.position % mapWidth));
  const [boxH, boxW] = field.size;
  const blank = () => new Uint8Array(boxH * boxW * channels).fill(128);
  const crops = kept.length ? kept.map(({ image }, i) => cropWithMeanPadding(image.pixels, height, width, channels, boxes[i].top, boxes[i].left, boxH, boxW)) : [blank()];
  const guided = kept.length ? guidedCrops(model, target, kept.map(({ image }) => image.input), boxes, boxH, boxW) : blank();

  const scale = Math.max(1, Math.ceil(MIN_DISPLAY_SIDE / Math.max(boxH, boxW)));
  const show = (pixels: Uint8Array, c: number) => upscaleNearest(pixels, boxH, boxW, c, scale);
  const average = averageImages(crops, boxH, boxW, channels);
  const strip = tileStrip(crops.map((crop) => show(crop, channels)), boxH * scale, boxW * scale, channels, { gap: 2, maxPerRow: 8 });

  const files = {
    average: `${target.fileStem}-average.png`,
    strip: `${target.fileStem}-strip.png`,
    guided: `${target.fileStem}-guided.png`,
  };
  await Promise.all([
    writePng(path.join(reportDir, files.average), show(average, channels), boxW * scale, boxH * scale, channels),
    writePng(path.join(reportDir, files.strip), strip.pixels, strip.width, strip.height, channels),
    writePng(path.join(reportDir, files.guided), show(guided, channels), boxW * scale, boxH * scale, channels),
  ]);
  return {
    ...files,
    topImages: kept.map(({ entry, image }) => ({
      image: image.relPath,
      response: entry.response,
      position: [Math.floor(entry.position / mapWidth), entry.position % mapWidth],
    })),
  };
}

interface Box {
  top: number;
  left: number;
}

function fieldBox(field: ReceptiveField, row: number, col: number): Box {
  return { top: field.offset[0] + row * field.jump[0], left: field.offset[1] + col * field.jump[1] };
}

function wholeImage(height: number, width: number): ReceptiveField {
  return { size: [height, width], jump: [1, 1], offset: [0, 0] };
}

/**
 * Guided backprop of the feature on each top image (seeded with its own activation map), cropped
 * to the same field; each crop is scaled by its largest magnitude, then averaged and mapped to
 * pixels with zero at mid-grey (the deconvnet convention).
 */
function guidedCrops(model: VebiModel, target: VisualTarget, inputs: Float32Array[], boxes: Box[], boxH: number, boxW: number): Uint8Array {
  const [height, width, channels] = model.inputShape;
  const signal = tf.tidy(() => {
    const x = tf.stack(inputs.map((input) => tf.tensor3d(input, [height, width, channels]))) as tf.Tensor4D;
    const seed = channelSeed(model, x, target.layer, target.channel);
    return model.project(x, target.layer, seed, { rule: 'guided', stridedFix: true });
  });
  const data = signal.dataSync() as Float32Array;
  signal.dispose();
  const sum = new Float32Array(boxH * boxW * channels);
  const plane = height * width * channels;
  boxes.forEach((box, i) => {
    const crop = new Float32Array(boxH * boxW * channels);
    let peak = 0;
    for (let r = 0; r < boxH; r++) {
      const y = box.top + r;
      if (y < 0 || y >= height) continue;
      for (let c = 0; c < boxW; c++) {
        const x = box.left + c;
        if (x < 0 || x >= width) continue;
        for (let k = 0; k < channels; k++) {
          const value = data[i * plane + (y * width + x) * channels + k];
          crop[(r * boxW + c) * channels + k] = value;
          peak = Math.max(peak, Math.abs(value));
        }
      }
    }
    if (peak > 0) for (let j = 0; j < crop.length; j++) sum[j] += crop[j] / peak;
  });
  const pixels = new Uint8Array(sum.length);
  const count = Math.max(1, boxes.length);
  for (let j = 0; j < sum.length; j++) pixels[j] = Math.round(255 * Math.min(1, Math.max(0, 0.5 + sum[j] / count / 2)));
  return pixels;
}
