/** Number formatting for the panel: grouped integers, seconds, percentages, shapes. */
import type { Preprocessing } from '../../src/shared/params';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatInteger(value: number): string {
  return integer.format(value);
}

/** Fixed digits, switching to exponent notation for tiny non-zero values so they do not read as 0. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

/** A probability or ratio as a percentage that stays readable for tiny values. */
export function formatPercent(ratio: number, digits = 1): string {
  const percent = 100 * ratio;
  // A no-break space: "100.0 %" never splits across lines.
  if (percent > 0 && percent < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}\u00a0%`;
  return `${percent.toFixed(digits)}\u00a0%`;
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

/** ETA in whole seconds, or minutes past two minutes. */
export function formatEta(seconds: number): string {
  if (seconds < 120) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.join('\u00d7');
}

export function formatPreprocessing(p: Preprocessing): string {
  switch (p.kind) {
    case 'unit':
      return 'x / 255 (unit)';
    case 'raw':
      return 'x (raw 0..255)';
    case 'symmetric':
      return 'x / 127.5 \u2212 1 (symmetric)';
    case 'meanstd':
      return `(x${p.scale === 'raw' ? '' : ' / 255'} \u2212 [${p.mean.join(', ')}]) / [${p.std.join(', ')}]`;
  }
}

const TIMING_LABELS: Record<string, string> = {
  load: 'loading',
  features: 'features',
  gram: 'Gram matrix',
  solve: 'solver',
  visuals: 'visualisations',
  explain: 'explanation',
  total: 'total',
};

/** Timing entries (`fooMs` keys) as [label, "1.23 s"], total first; rates are added where known. */
export function formatTimings(timings: Record<string, number>): [string, string][] {
  const entries = Object.entries(timings).filter(([key, value]) => key.endsWith('Ms') && Number.isFinite(value));
  entries.sort(([a], [b]) => (a === 'totalMs' ? -1 : b === 'totalMs' ? 1 : 0));
  return entries.map(([key, ms]) => {
    const stem = key.slice(0, -2);
    const label = TIMING_LABELS[stem] ?? stem.replace(/([A-Z])/g, ' $1').toLowerCase();
    const rate = stem === 'features' && timings.imagesPerSecond ? ` (${formatInteger(timings.imagesPerSecond)} images/s)` : '';
    return [label, `${formatSeconds(ms)}${rate}`];
  });
}

/** The last path segment, for titles (works for / and \ paths). */
/** "folder/model.json": model files are usually all called model.json, their folder tells them apart. */
export function modelLabel(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts.slice(-2).join('/') || path;
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? path;
}
