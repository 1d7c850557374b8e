/**
 * Image files -> 8-bit HWC pixels with sharp. Choices that change what the model sees, made to match
 * the loaders most models are trained with (Keras load_img / image_dataset_from_directory, PIL,
 * tf.io.decode_image):
 * - Resize to exactly height x width ("fill"): the aspect ratio is NOT kept and nothing is cropped,
 *   as Keras does by default (crop_to_aspect_ratio=False). Kernel: bilinear-like ('linear').
 * - Alpha is dropped, not composited: PIL's convert('RGB') and decode_png(channels=3) keep the colour
 *   under a transparent pixel.
 * - Grey = ITU-R 601 luma with PIL's integer weights (convert('L')); a grey source stays exact.
 * - EXIF orientation is NOT applied, like PIL and tf.io.decode_image, so pixels line up with training.
 * - Only the first frame of an animated GIF/WebP is used.
 * Plain 8-bit PNGs already at the target size skip sharp (image/png-decode.ts): same pixels, about
 * 20x faster, which matters when a dataset has tens of thousands of small images.
 */
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { VebiError } from '../../shared/errors';
import { type RawImage, decodePngSimple, pngHeaderSize } from '../image/png-decode';
import { type DecodeBudget, decodeCost } from './decode-budget';
import { guardImage, readImageFile, unreadableImage as unreadable } from './image-file';

export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface DecodeOptions {
  /** Largest accepted width x height of the source file, checked from its header before decoding. */
  maxPixels?: number;
  /** sharp resize kernel; 'linear' approximates the bilinear resize of Keras and torchvision. */
  kernel?: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
  /** Always go through sharp, even for plain PNGs (tests compare the two paths). */
  noFastPath?: boolean;
  /** Memory budget shared with other decodes: this one waits for its share once its header is read. */
  budget?: DecodeBudget;
  /** Cancels a decode still waiting for its budget. */
  signal?: AbortSignal;
}

export interface OriginalImage {
  /** RGB, HWC, 8-bit. */
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: 3;
  /** Size of the file's image before any bounding. */
  sourceHeight: number;
  sourceWidth: number;
}

/** 100 megapixels: far above any classifier input, low enough that a decode cannot exhaust memory. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

type Size = { width: number; height: number };

/** The source size from the header (PNG: IHDR, read in place; else sharp's metadata), within the pixel limit. */
async function checkedSize(file: string, data: Buffer, maxPixels: number, png = pngHeaderSize(data)): Promise<Size> {
  let size = png;
  if (!size) {
    let meta: Metadata;
    try {
      // limitInputPixels: false so an oversized header reaches our own, clearer check below.
      meta = await sharp(data, { limitInputPixels: false }).metadata();
    } catch (e) {
      throw unreadable(file, `it is not an image sharp can decode (${(e as Error).message.trim()})`);
    }
    const width = meta.width;
    const height = meta.pageHeight ?? meta.height; // animated images: one frame
    if (!width || !height) throw unreadable(file, 'its header has no width or height');
    size = { width, height };
  }
  return checkPixels(file, size, maxPixels);
}

function checkPixels(file: string, size: Size, maxPixels: number): Size {
  const { width, height } = size;
  if (width * height > maxPixels) {
    throw new VebiError(
      'IMAGE_TOO_LARGE',
      `Image ${file} is ${width} x ${height} = ${(width * height / 1e6).toFixed(1)} megapixels, above the limit of ${(maxPixels / 1e6).toFixed(1)}. Downscale the file, remove it, or raise the pixel limit.`,
      file,
    );
  }
  return size;
}

/** Runs `decode` within the budget's share for this file; the size is known whenever there is a budget. */
async function withinBudget<T>(data: Buffer, size: Size | undefined, options: DecodeOptions, decode: () => Promise<T>): Promise<T> {
  if (!options.budget || !size) return decode();
  const release = await options.budget.reserve(decodeCost(data.length, size.width * size.height), options.signal);
  try {
    return await decode();
  } finally {
    release();
  }
}

/**
 * Runs a pipeline built on sharp(data, { limitInputPixels }): libvips checks that limit against the
 * header before decoding a pixel; when it trips, the header is read again only to say how large.
 */
async function toRaw(file: string, data: Buffer, maxPixels: number, pipeline: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    const message = (e as Error).message.trim();
    if (/pixel limit/i.test(message)) await checkedSize(file, data, maxPixels); // throws IMAGE_TOO_LARGE
    throw unreadable(file, `it is not an image this tool can decode, or it is truncated or corrupt (${message})`);
  }
}

/** PIL's convert('L'): L = (19595 R + 38470 G + 7471 B + 2^15) >> 16; the weights sum to 2^16. */
export function rgbToGrey(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = (19595 * rgb[j] + 38470 * rgb[j + 1] + 7471 * rgb[j + 2] + 32768) >>> 16;
  return out;
}

/** Drops alpha and converts to the wanted channel count, as the sharp path does. */
function convertChannels(raw: RawImage, channels: 1 | 3): Uint8Array {
  const n = raw.width * raw.height;
  const src = raw.pixels;
  const step = raw.channels;
  if (raw.channels === 1 || raw.channels === 2) {
    if (channels === 1 && step === 1) return src;
    const out = new Uint8Array(n * channels);
    for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = src[p * step];
    return out;
  }
  let rgb = src;
  if (step === 4) {
    rgb = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) rgb.set(src.subarray(p * 4, p * 4 + 3), p * 3);
  }
  return channels === 1 ? rgbToGrey(rgb) : rgb;
}

function checkShape(shape: ImageShape): void {
  const ok = (v: number) => Number.isInteger(v) && v > 0;
  if (!ok(shape.height) || !ok(shape.width) || (shape.channels !== 1 && shape.channels !== 3)) {
    throw new VebiError('BAD_ARGUMENT', `Input shape ${shape.height} x ${shape.width} x ${shape.channels} is not valid: height and width must be positive integers and channels 1 or 3.`);
  }
}

/**
 * Decodes one file to exactly shape.height x shape.width x shape.channels, 8-bit, HWC. Every
 * failure of the file is a VebiError naming it (IMAGE_UNREADABLE or IMAGE_TOO_LARGE).
 */
export async function decodeImage(file: string, shape: ImageShape, options: DecodeOptions = {}): Promise<Uint8Array> {
  checkShape(shape);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return guardImage(file, async () => {
    const data = await readImageFile(file);
    const png = pngHeaderSize(data);
    if (png) checkPixels(file, png, maxPixels);
    // Without a budget, no metadata() call for other formats: it cost a tenth of the decode, and
    // sharp's own pixel limit (toRaw) still stops an oversized file before decoding.
    const size = options.budget ? await checkedSize(file, data, maxPixels, png) : png;
    return withinBudget(data, size, options, async () => {
      // The fast path only for files already at the target size: it decodes the whole file in JS.
      if (!options.noFastPath && png && png.width === shape.width && png.height === shape.height) {
        const raw = await decodePngSimple(data, maxPixels);
        if (raw) return convertChannels(raw, shape.channels);
      }
      // A same-size resize is a no-op in sharp.
      const pipeline = sharp(data, { limitInputPixels: maxPixels })
        .removeAlpha()
        .toColourspace('srgb')
        .resize(shape.width, shape.height, { fit: 'fill', kernel: options.kernel ?? 'linear' });
      const { data: raw, info } = await toRaw(file, data, maxPixels, pipeline);
      if (info.channels !== 3 || info.width !== shape.width || info.height !== shape.height) {
        throw new VebiError('INTERNAL', `sharp returned ${info.width} x ${info.height} x ${info.channels} for ${file}, expected ${shape.width} x ${shape.height} x 3. Please report this with the file.`, file);
      }
      const rgb = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
      // Copy out of sharp's Buffer: callers may keep the pixels and Buffers can share a pool.
      return shape.channels === 1 ? rgbToGrey(rgb) : rgb.slice();
    });
  });
}

/**
 * The file as RGB at its own size, shrunk (aspect kept) so its longer side is at most maxSide:
 * the background for overlays and reports. Same alpha/orientation choices as decodeImage.
 */
export async function decodeImageOriginal(file: string, maxSide = 1024, options: Omit<DecodeOptions, 'kernel'> = {}): Promise<OriginalImage> {
  if (!Number.isInteger(maxSide) || maxSide <= 0) throw new VebiError('BAD_ARGUMENT', `maxSide must be a positive integer, got ${maxSide}.`);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return guardImage(file, async () => {
    const data = await readImageFile(file);
    const src = await checkedSize(file, data, maxPixels);
    return withinBudget(data, src, options, async () => {
      if (!options.noFastPath && pngHeaderSize(data) && Math.max(src.width, src.height) <= maxSide) {
        const raw = await decodePngSimple(data, maxPixels);
        if (raw) return { pixels: convertChannels(raw, 3), height: raw.height, width: raw.width, channels: 3, sourceHeight: raw.height, sourceWidth: raw.width };
      }
      let pipeline = sharp(data, { limitInputPixels: maxPixels }).removeAlpha().toColourspace('srgb');
      if (Math.max(src.width, src.height) > maxSide) {
        pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', kernel: 'lanczos3' });
      }
      const { data: raw, info } = await toRaw(file, data, maxPixels, pipeline);
      if (info.channels !== 3) throw new VebiError('INTERNAL', `sharp returned ${info.channels} channels for ${file}, expected 3. Please report this with the file.`, file);
      return {
        pixels: new Uint8Array(raw.buffer, raw.byteOffset, raw.length).slice(),
        height: info.height,
        width: info.width,
        channels: 3,
        sourceHeight: src.height,
        sourceWidth: src.width,
      };
    });
  });
}
