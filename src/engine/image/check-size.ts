/** Shared argument checks: a wrong length here is a caller bug that would otherwise draw garbage. */
import { VebiError } from '../../shared/errors';

export function checkDims(what: string, height: number, width: number, channels = 1): void {
  const ok = (v: number) => Number.isInteger(v) && v > 0;
  if (!ok(height) || !ok(width) || !ok(channels)) {
    throw new VebiError('BAD_ARGUMENT', `${what}: size ${height} x ${width} x ${channels} is not valid; height, width and channels must be positive integers.`);
  }
}

export function checkLength(what: string, actual: number, height: number, width: number, channels = 1): void {
  checkDims(what, height, width, channels);
  const expected = height * width * channels;
  if (actual !== expected) {
    throw new VebiError('BAD_ARGUMENT', `${what}: got ${actual} values, expected ${height} x ${width} x ${channels} = ${expected}. Pass the image's own size.`);
  }
}
