/**
 * One flower -> photo PNG + ground-truth mask PNG. The label map is rendered first (one channel per
 * discriminative part); a pose whose discriminative part ends up too small (mostly hidden or off
 * the canvas) or too big is redrawn from the same stream, so every image shows its evidence.
 */
import sharp from 'sharp';
import { encodePng } from '../../image/png';
import type { FlowerPart, FlowersClass } from './classes';
import { colourGroups } from './colours';
import { randomFlower, type Element } from './geometry';
import type { Rgb } from './palette';
import { mulberry32 } from '../../seeded-random';
import { flowerSvg } from './svg';

/** Visible area of each discriminative part, as a fraction of the image, at least this. */
const MIN_PART_FRACTION: Partial<Record<FlowerPart, number>> = { petals: 0.045, leaves: 0.018 };
/** Visible area of all discriminative parts together. */
const MASK_FRACTION_RANGE = [0.05, 0.28] as const;
/** A bound, not a target (about 1 in 15 poses is redrawn); after it the last pose is kept. */
const MAX_ATTEMPTS = 100;

export interface RenderedFlower {
  image: Buffer;
  mask: Buffer;
  /** Fraction of the image under the mask. */
  maskFraction: number;
  /** Poses drawn before one passed the visibility checks (1 = the first). */
  attempts: number;
}

const BLACK: Rgb = [0, 0, 0];
const LABEL_CHANNELS: Rgb[] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
];

export async function renderFlower(cls: FlowersClass, parts: readonly FlowerPart[], size: number, seed: number): Promise<RenderedFlower> {
  const rand = mulberry32(seed);
  for (let attempt = 1; ; attempt++) {
    const elements = randomFlower(rand, size);
    const colours = colourGroups(elements, cls, rand);
    const { mask, fractions, union } = await renderMask(elements, parts, size);
    const visible = parts.every((part, i) => fractions[i] >= (MIN_PART_FRACTION[part] ?? 0)) && union >= MASK_FRACTION_RANGE[0] && union <= MASK_FRACTION_RANGE[1];
    if (!visible && attempt < MAX_ATTEMPTS) continue;
    const photo = flowerSvg(elements, size, (element) => ({ fill: colours.get(element.group) ?? BLACK }));
    const [image, maskPng] = await Promise.all([sharp(Buffer.from(photo)).removeAlpha().png().toBuffer(), encodePng(mask, size, size, 1)]);
    return { image, mask: maskPng, maskFraction: union, attempts: attempt };
  }
}

/** Binary mask of the union of `parts` as seen from the front, and each part's visible fraction. */
async function renderMask(elements: readonly Element[], parts: readonly FlowerPart[], size: number): Promise<{ mask: Uint8Array; fractions: number[]; union: number }> {
  const svg = flowerSvg(elements, size, (element) => {
    const channel = parts.indexOf(element.part);
    const rgb = channel >= 0 ? LABEL_CHANNELS[channel] : BLACK;
    return { fill: rgb, outline: rgb };
  });
  const rgba = await sharp(Buffer.from(svg)).raw().toBuffer();
  const pixels = size * size;
  const mask = new Uint8Array(pixels);
  const counts = new Array<number>(parts.length).fill(0);
  let union = 0;
  for (let i = 0; i < pixels; i++) {
    let on = false;
    for (let c = 0; c < parts.length; c++) {
      // Antialiased edges: a pixel belongs to the part when the part covers at least half of it.
      if (rgba[i * 4 + c] >= 128) {
        counts[c]++;
        on = true;
      }
    }
    if (on) {
      mask[i] = 255;
      union++;
    }
  }
  return { mask, fractions: counts.map((n) => n / pixels), union: union / pixels };
}
