/**
 * The colours of the flowers. Every named colour is in the shared palette that non-discriminative
 * parts and backgrounds draw from, class colours included: a red blob or a red centre says nothing
 * about the class, only the colour of the discriminative part(s) does.
 */
export type Rgb = readonly [number, number, number];

export interface NamedColour {
  name: string;
  rgb: Rgb;
}

/** Hues far apart, so the class colours stay distinct after antialiasing and PNG round trips. */
export const COLOURS = {
  red: [215, 35, 45],
  orange: [245, 135, 25],
  yellow: [240, 210, 40],
  green: [45, 160, 65],
  cyan: [40, 190, 200],
  blue: [35, 85, 215],
  purple: [140, 60, 190],
  pink: [245, 150, 190],
  brown: [125, 80, 45],
  white: [240, 240, 235],
  grey: [140, 140, 140],
} as const satisfies Record<string, Rgb>;

export type ColourName = keyof typeof COLOURS;

export const SHARED_PALETTE: readonly NamedColour[] = (Object.keys(COLOURS) as ColourName[]).map((name) => ({ name, rgb: COLOURS[name] }));

/** Outline of every flower part: dark, in no palette, so parts of equal colour stay apart. */
export const OUTLINE: Rgb = [30, 30, 30];

export function named(name: ColourName): NamedColour {
  return { name, rgb: COLOURS[name] };
}

export function hex(rgb: Rgb): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** `amount` of white mixed into `rgb` (0 = unchanged). */
export function tint(rgb: Rgb, amount: number): Rgb {
  return rgb.map((v) => Math.round(v + (255 - v) * amount)) as unknown as Rgb;
}
