/** Axis ticks for the panel's charts (no DOM: unit-tested in Node). */

/** Round ticks (steps of 0.1, 0.2, 0.25, 0.5 or 1) from below `min` to `max`, at most six of them. */
export function niceTicks(min: number, max: number): number[] {
  for (const step of [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10]) {
    const low = Math.floor(min / step + 1e-9) * step;
    const count = Math.ceil((max - low) / step - 1e-9);
    if (count <= 5) return Array.from({ length: count + 1 }, (_, i) => Number((low + i * step).toFixed(6)));
  }
  return [min, max];
}
