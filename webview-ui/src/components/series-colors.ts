/**
 * One colour per layer in charts, from VS Code's chart palette (six colours; past six the palette
 * repeats, lighter, so neighbours stay distinguishable). Colours live in media/panel.css as classes.
 */
export const SERIES_COLOURS = 6;

export function seriesClass(index: number): string {
  return `series series-${index % SERIES_COLOURS}${index >= SERIES_COLOURS ? ' series-alt' : ''}`;
}
