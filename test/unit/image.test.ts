import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import {
  applyColormap,
  averageFloat,
  averageImages,
  colormapLut,
  combineMax,
  crc32,
  cropWithMeanPadding,
  decodePngSimple,
  displayScale,
  encodePng,
  minMaxNormalize,
  overlayHeatmap,
  resizeMap,
  signalToHeatmap,
  tileStrip,
  upscaleNearest,
  writePng,
} from '../../src/engine/image';
import { isVebiError } from '../../src/shared/errors';
import { seededRandom } from '../helpers/seeded-random';

function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
}

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
}

const badArgument = (e: unknown) => isVebiError(e) && e.code === 'BAD_ARGUMENT';

describe('heatmaps', () => {
  test('signalToHeatmap: positive part, L2 over channels, min-max; in [0,1], finite, input untouched', () => {
    // 1 x 3 x 2: pixel norms of the positive parts are 5, 0, 1 -> 1, 0, 0.2.
    const signal = Float32Array.from([3, 4, -7, -1, 1, -9]);
    const copy = Float32Array.from(signal);
    const map = signalToHeatmap(signal, 1, 3, 2);
    assert.deepEqual([...map].map((v) => Math.round(v * 1e6) / 1e6), [1, 0, 0.2]);
    assert.deepEqual(signal, copy);
    for (const [h, w, c] of [[7, 5, 3], [28, 28, 1], [1, 1, 3]]) {
      const m = signalToHeatmap(randomFloats(h * w * c, h + c), h, w, c);
      assert.equal(m.length, h * w);
      assert.ok(m.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
      if (h * w > 1) assert.equal(Math.max(...m), 1);
    }
  });

  test('all-zero, all-negative and NaN/Infinity signals never give NaN', () => {
    for (const signal of [new Float32Array(12), Float32Array.from({ length: 12 }, () => -1), Float32Array.from([NaN, 1, Infinity, 2, -Infinity, 0, 1, 1, 0, 0, 3, NaN])]) {
      const map = signalToHeatmap(signal, 2, 2, 3);
      assert.ok(map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), String([...map]));
    }
    assert.deepEqual([...signalToHeatmap(new Float32Array(12), 2, 2, 3)], [0, 0, 0, 0]);
    assert.deepEqual([...minMaxNormalize(Float32Array.from([0.5, 0.5]))], [0, 0], 'a constant map carries no location');
    assert.throws(() => signalToHeatmap(new Float32Array(5), 2, 2, 3), badArgument);
  });

  test('combineMax is the pixel-wise maximum; sizes must agree', () => {
    assert.deepEqual([...combineMax([Float32Array.from([0, 1, 0.5]), Float32Array.from([0.2, 0, 0.7])])], [Math.fround(0.2), 1, Math.fround(0.7)]);
    assert.throws(() => combineMax([]), badArgument);
    assert.throws(() => combineMax([new Float32Array(2), new Float32Array(3)]), badArgument);
  });

  test('resizeMap: nearest gives blocks, bilinear stays in range, same size copies', () => {
    const map = Float32Array.from([0, 1, 1, 0]);
    assert.deepEqual([...resizeMap(map, 2, 2, 4, 4, 'nearest')], [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0]);
    const big = resizeMap(map, 2, 2, 9, 7, 'bilinear');
    assert.equal(big.length, 63);
    assert.ok(big.every((v) => v >= 0 && v <= 1));
    assert.equal(big[0], 0, 'corners keep their value (half-pixel centres, clamped)');
    assert.ok(resizeMap(new Float32Array(6).fill(0.3), 2, 3, 5, 5).every((v) => Math.abs(v - 0.3) < 1e-6));
    const same = resizeMap(map, 2, 2, 2, 2);
    assert.deepEqual(same, map);
    assert.notEqual(same, map);
    assert.throws(() => resizeMap(map, 3, 2, 4, 4), badArgument);
  });
});

describe('colormap and overlay', () => {
  test('LUT endpoints: inferno black -> pale yellow, turbo dark blue -> red, turbo middle green', () => {
    const near = (a: ArrayLike<number>, b: number[], tol: number) => b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol, `${[...Array.from(a)]} vs ${b}`));
    const inferno = colormapLut('inferno');
    assert.equal(inferno.length, 768);
    near(inferno.subarray(0, 3), [0, 0, 4], 4); // matplotlib inferno(0) = (0, 0, 4)
    near(inferno.subarray(765), [252, 255, 164], 4); // matplotlib inferno(1) = (252, 255, 164)
    const turbo = colormapLut('turbo');
    const [r0, g0, b0] = turbo.subarray(0, 3);
    assert.ok(r0 + g0 + b0 < 120 && b0 >= g0, `turbo(0) dark blue: ${[r0, g0, b0]}`);
    const [r1, g1, b1] = turbo.subarray(765);
    assert.ok(r1 > 100 && g1 < 40 && b1 < 20, `turbo(1) dark red: ${[r1, g1, b1]}`);
    const mid = turbo.subarray(128 * 3, 128 * 3 + 3);
    assert.ok(mid[1] > mid[0] && mid[1] > mid[2], `turbo(0.5) green: ${[...mid]}`);
  });

  test('applyColormap: one RGB triple per value; clamps out-of-range and NaN', () => {
    const rgb = applyColormap(Float32Array.from([0, 1, -3, 7, NaN]));
    assert.equal(rgb.length, 15);
    const lut = colormapLut('turbo');
    assert.deepEqual([...rgb.subarray(0, 3)], [...lut.subarray(0, 3)]);
    assert.deepEqual([...rgb.subarray(3, 6)], [...lut.subarray(765)]);
    assert.deepEqual([...rgb.subarray(6, 9)], [...lut.subarray(0, 3)]);
    assert.deepEqual([...rgb.subarray(9, 12)], [...lut.subarray(765)]);
    assert.deepEqual([...rgb.subarray(12, 15)], [...lut.subarray(0, 3)]);
  });

  test('overlayHeatmap: alpha 0 is the image (grey expanded), alpha 1 is the colormap; heat resized', () => {
    const grey = Uint8Array.from([10, 20, 30, 40]);
    const heat = Float32Array.from([0, 0.25, 0.5, 1]);
    assert.deepEqual([...overlayHeatmap(grey, 2, 2, heat, 0)], [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
    assert.deepEqual(overlayHeatmap(grey, 2, 2, heat, 1), applyColormap(heat));
    const rgba = Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 0, 7, 8, 9, 9, 10, 11, 12, 0]);
    assert.deepEqual([...overlayHeatmap(rgba, 2, 2, heat, 0)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const weighted = overlayHeatmap(grey, 2, 2, heat, 1, { weightByHeat: true });
    assert.deepEqual([...weighted.subarray(0, 3)], [10, 10, 10], 'zero heat shows the image');
    const small = Float32Array.from([1]);
    assert.throws(() => overlayHeatmap(grey, 2, 2, small, 0.5), badArgument);
    const out = overlayHeatmap(grey, 2, 2, small, 1, { heatSize: { height: 1, width: 1 } });
    assert.deepEqual(out, applyColormap(new Float32Array(4).fill(1)));
    assert.throws(() => overlayHeatmap(grey, 2, 2, heat, 1.5), badArgument);
  });
});

describe('crops, averages, strips', () => {
  // 3 x 4 x 2 image: channel 0 = 0..11, channel 1 = 100 + 0..11; means 5.5 -> 6 and 105.5 -> 106.
  const H = 3;
  const W = 4;
  const img = Uint8Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? i / 2 : 100 + (i - 1) / 2));

  test('a crop inside the image copies pixels', () => {
    const crop = cropWithMeanPadding(img, H, W, 2, 1, 1, 2, 2);
    assert.deepEqual([...crop], [5, 105, 6, 106, 9, 109, 10, 110]);
  });

  test('outside pixels take the per-channel mean of the image', () => {
    const crop = cropWithMeanPadding(img, H, W, 2, -1, 2, 2, 3);
    // Row -1 is outside; row 0 has columns 2, 3 inside and 4 outside.
    assert.deepEqual([...crop], [6, 106, 6, 106, 6, 106, 2, 102, 3, 103, 6, 106]);
    const far = cropWithMeanPadding(img, H, W, 2, 10, 10, 2, 2);
    assert.deepEqual([...far], [6, 106, 6, 106, 6, 106, 6, 106]);
    const cover = cropWithMeanPadding(img, H, W, 2, -1, -1, 5, 6);
    assert.equal(cover.length, 5 * 6 * 2);
    assert.deepEqual([...cover.subarray((1 * 6 + 1) * 2, (1 * 6 + 5) * 2)], [...img.subarray(0, 8)]);
    assert.throws(() => cropWithMeanPadding(img, H, W, 2, 0.5, 0, 1, 1), badArgument);
    assert.throws(() => cropWithMeanPadding(img, H, W, 3, 0, 0, 1, 1), badArgument);
  });

  test('averageImages rounds the pixel-wise mean; averageFloat is exact', () => {
    assert.deepEqual([...averageImages([Uint8Array.from([0, 255, 10]), Uint8Array.from([1, 0, 20])], 1, 1, 3)], [1, 128, 15]);
    assert.deepEqual([...averageFloat([Float32Array.from([0, 1]), Float32Array.from([1, -1]), Float32Array.from([2, 3])])], [1, 1]);
    assert.throws(() => averageImages([], 1, 1, 1), badArgument);
    assert.throws(() => averageImages([new Uint8Array(2)], 1, 1, 1), badArgument);
    assert.throws(() => averageFloat([new Float32Array(1), new Float32Array(2)]), badArgument);
  });

  test('tileStrip: size from tiles, gap and wrapping; tiles land where expected', () => {
    const tiles = Array.from({ length: 5 }, (_, t) => new Uint8Array(3 * 4).fill(t + 1));
    const strip = tileStrip(tiles, 3, 4, 1, { gap: 2, maxPerRow: 2, background: 0 });
    assert.deepEqual([strip.width, strip.height], [2 * 4 + 2, 3 * 3 + 2 * 2]);
    assert.equal(strip.pixels.length, strip.width * strip.height);
    const at = (y: number, x: number) => strip.pixels[y * strip.width + x];
    assert.deepEqual([at(0, 0), at(0, 4), at(0, 6), at(5, 0), at(10, 3), at(10, 6)], [1, 0, 2, 3, 5, 0]);
    const row = tileStrip(tiles, 3, 4, 1);
    assert.deepEqual([row.width, row.height], [5 * 4 + 4 * 2, 3]);
    assert.equal(row.pixels[4], 255, 'default gap is white');
  });

  test('upscaleNearest makes blocks; displayScale reaches the minimum side', () => {
    const up = upscaleNearest(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 2, 2, 2, 2);
    assert.deepEqual([...up.subarray(0, 8)], [1, 2, 1, 2, 3, 4, 3, 4]);
    assert.deepEqual([...up.subarray(8, 16)], [1, 2, 1, 2, 3, 4, 3, 4]);
    assert.deepEqual([...up.subarray(16, 24)], [5, 6, 5, 6, 7, 8, 7, 8]);
    assert.equal(displayScale(5, 5, 96), 20);
    assert.equal(displayScale(200, 100, 96), 1);
    assert.throws(() => upscaleNearest(new Uint8Array(4), 2, 2, 1, 0), badArgument);
  });
});

describe('PNG', () => {
  test('crc32 check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('1234'), Buffer.from('56789')), 0xcbf43926);
  });

  test('round trip through sharp and the fast decoder: grey, RGB, RGBA, small and large', async () => {
    for (const [h, w] of [[1, 1], [13, 7], [300, 260]]) {
      for (const channels of [1, 3, 4] as const) {
        const pixels = randomBytes(h * w * channels, h * 10 + channels);
        // Smooth rows too, so every PNG filter type gets chosen somewhere.
        for (let i = 0; i < pixels.length / 2; i++) pixels[i] = (i >> 3) & 0xff;
        const png = await encodePng(pixels, w, h, channels);
        // sharp widens grey to RGB unless asked to keep it grey.
        const decoder = channels === 1 ? sharp(png).greyscale() : sharp(png);
        const { data, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
        assert.deepEqual([info.width, info.height, info.channels], [w, h, channels]);
        assert.deepEqual(new Uint8Array(data), pixels, `${h}x${w}x${channels} via sharp`);
        const fast = await decodePngSimple(png);
        assert.ok(fast);
        assert.deepEqual([fast.width, fast.height, fast.channels], [w, h, channels]);
        assert.deepEqual(fast.pixels, pixels, `${h}x${w}x${channels} via the fast decoder`);
      }
    }
    await assert.rejects(() => encodePng(new Uint8Array(5), 2, 2, 1), badArgument);
  });

  test('writePng creates the folder; compression level changes size, not pixels', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-png-'));
    try {
      const file = path.join(dir, 'a', 'b', 'x.png');
      const pixels = randomBytes(64 * 64 * 3, 5).map((v, i) => (i % 97 < 60 ? 0 : v));
      await writePng(file, pixels, 64, 64, 3, { compressionLevel: 0 });
      const stored = await fs.stat(file);
      const dense = await encodePng(pixels, 64, 64, 3, { compressionLevel: 9 });
      assert.ok(dense.length < stored.size);
      const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual(new Uint8Array(data), pixels);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('the fast decoder declines corrupt data (sharp then decides)', async () => {
    const png = await encodePng(randomBytes(8 * 8, 1), 8, 8, 1);
    const flipped = Buffer.from(png);
    flipped[40] ^= 0xff; // inside IDAT: the CRC no longer matches
    assert.equal(await decodePngSimple(flipped), undefined);
    assert.equal(await decodePngSimple(png.subarray(0, png.length - 12)), undefined, 'no IEND');
    assert.equal(await decodePngSimple(Buffer.from('not a png at all')), undefined);
    assert.equal(await decodePngSimple(png, 10), undefined, 'over the pixel limit');
  });
});
