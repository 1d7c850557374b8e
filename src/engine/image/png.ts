/**
 * Raw 8-bit pixels -> PNG, written here with zlib instead of sharp: sharp costs about 1.3 ms per
 * call whatever the size, which dominates when thousands of small crops or digits are written.
 * Rows use libpng's adaptive filter choice (smallest sum of absolute filtered bytes), so files stay
 * about as small as sharp's. Large images deflate in libuv's pool (parallel encodes use every core);
 * small ones inline, where setting up an async zlib stream would cost more than the compression.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import { checkLength } from './check-size';
import { crc32 } from './crc32';

const deflateAsync = promisify(deflate);

export interface PngOptions {
  /** zlib level 0-9; default 6 (libpng's and sharp's default). */
  compressionLevel?: number;
}

/** Below this many bytes, deflateSync is faster than a round trip to the pool (measured: 28x28 grey). */
const INLINE_DEFLATE_BYTES = 64 * 1024;
const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const COLOUR_TYPE: Record<1 | 3 | 4, number> = { 1: 0, 3: 2, 4: 6 };

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Each row prefixed by its filter type, the filter chosen per row by the minimum-sum heuristic. */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      const dst = candidates[f];
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = up[i];
        const c = i >= bpp ? up[i - bpp] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (row[i] - pred) & 0xff;
        dst[i] = v;
        sum += v < 128 ? v : 256 - v;
        if (sum >= bestSum) break; // cannot win any more
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    out[y * (stride + 1)] = best;
    out.set(candidates[best], y * (stride + 1) + 1);
  }
  return out;
}

export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, options: PngOptions = {}): Promise<Buffer> {
  checkLength('encodePng', pixels.length, height, width, channels);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOUR_TYPE[channels];
  // compression 0, filter 0, no interlace: already zero
  const rows = filterRows(pixels, width, height, channels);
  const level = options.compressionLevel ?? 6;
  const idat = rows.length < INLINE_DEFLATE_BYTES ? deflateSync(rows, { level }) : await deflateAsync(rows, { level });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** Encodes and writes, creating the parent folder. */
export async function writePng(file: string, pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, options: PngOptions = {}): Promise<void> {
  const png = await encodePng(pixels, width, height, channels, options);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, png);
}
