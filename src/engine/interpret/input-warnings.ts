/**
 * Whether a folder's images look like what the model takes: their size against the model's input
 * (each image is resized to it) and their colour against its channels (a grey model is given
 * colour photos, converted to grey). Grey images for a colour model are not flagged: models are
 * trained on grey images saved as RGB often enough that the hint would mislead more than help. Measured on a sample of 64 images spread over the folder, so
 * it costs a fraction of a second on any folder. Hints in the report, never errors.
 */
import { decodeImageOriginal } from '../data';

export interface SampledImage {
  width: number;
  height: number;
  /** Share of the pixels that are clearly coloured (see colourfulness), 0 (grey) to 1. */
  colourfulness: number;
}

const SAMPLE = 64;
/** Resized by this factor or more (either way): worth saying. */
const SCALE = 4;
/** A pixel whose channels differ by more than this (of 255) is coloured, not grey. */
const COLOURED_PIXEL = 40;
/** Images with more than this share of coloured pixels are in colour (a red logo on a grey page is). */
const COLOURFUL = 0.02;
/** This share of the sample in colour makes the folder a colour one. */
const COLOUR_SHARE = 0.5;

/** The share of RGB pixels whose channels differ by more than COLOURED_PIXEL: JPEG noise on grey stays below it. */
export function colourfulness(rgb: Uint8Array): number {
  let coloured = 0;
  const pixels = Math.floor(rgb.length / 3);
  for (let i = 0; i < pixels * 3; i += 3) {
    const spread = Math.max(rgb[i], rgb[i + 1], rgb[i + 2]) - Math.min(rgb[i], rgb[i + 1], rgb[i + 2]);
    if (spread > COLOURED_PIXEL) coloured++;
  }
  return coloured / Math.max(1, pixels);
}

/** Up to 64 images spread evenly over the list; unreadable ones are left out (extraction reports them). */
export async function sampleImages(files: readonly string[]): Promise<SampledImage[]> {
  const step = Math.max(1, files.length / SAMPLE);
  const sample: SampledImage[] = [];
  for (let k = 0; k < Math.min(SAMPLE, files.length); k++) {
    const image = await decodeImageOriginal(files[Math.floor(k * step)], 32).catch(() => undefined);
    if (image) sample.push({ width: image.sourceWidth, height: image.sourceHeight, colourfulness: colourfulness(image.pixels) });
  }
  return sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The hints for a folder whose sampled images are `sample`, for a model taking `inputShape` [H, W, C]. */
export function inputWarnings(sample: readonly SampledImage[], inputShape: readonly [number, number, number], folder: string): string[] {
  if (sample.length === 0) return [];
  const [height, width, channels] = inputShape;
  const warnings: string[] = [];
  const w = median(sample.map((s) => s.width));
  const h = median(sample.map((s) => s.height));
  const factor = Math.max(w / width, h / height, width / w, height / h);
  if (factor >= SCALE) {
    warnings.push(
      `The images of ${folder} are about ${w} x ${h} px and the model takes ${width} x ${height}: each is resized ${factor.toFixed(0)} times ${w > width ? 'down' : 'up'}. If the model was trained on images of another size or framing, its accuracy here will not be its usual one.`,
    );
  }
  const colour = sample.filter((s) => s.colourfulness > COLOURFUL).length / sample.length;
  if (channels === 1 && colour >= COLOUR_SHARE) {
    warnings.push(`The model takes grey images but ${Math.round(colour * 100)} % of the sampled images of ${folder} are in colour: they are converted to grey, which a model trained on grey images never saw.`);
  }
  return warnings;
}
