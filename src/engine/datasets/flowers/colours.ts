/**
 * Colours for one flower: the class decides the discriminative part(s); every other group draws
 * independently from the shared palette, whatever the class.
 */
import type { FlowersClass } from './classes';
import type { Element } from './geometry';
import { SHARED_PALETTE, tint, type Rgb } from './palette';
import { pick, type Random } from '../../seeded-random';

/** The background is a pale tint of a palette colour, so any flower stands out against it. */
const BACKGROUND_TINT = 0.45;

export function colourGroups(elements: readonly Element[], cls: FlowersClass, rand: Random): Map<string, Rgb> {
  const colours = new Map<string, Rgb>();
  for (const element of elements) {
    if (colours.has(element.group)) continue;
    const fixed = cls.colours[element.part];
    const rgb = fixed ? fixed.rgb : pick(rand, SHARED_PALETTE).rgb;
    colours.set(element.group, element.group === 'background' ? tint(rgb, BACKGROUND_TINT) : rgb);
  }
  return colours;
}
