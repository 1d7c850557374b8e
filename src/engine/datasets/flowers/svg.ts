/**
 * Draws a flower as SVG. The same elements in the same order make the photo (real colours, dark
 * outlines) and the label map (one flat colour per part, outlines included), so whatever covers
 * a discriminative part in the photo covers it in the mask too.
 */
import type { Element, Shape } from './geometry';
import { hex, OUTLINE, type Rgb } from './palette';

export interface Paint {
  fill: Rgb;
  /** Outline colour; defaults to the dark OUTLINE. */
  outline?: Rgb;
}

export function flowerSvg(elements: readonly Element[], size: number, paint: (element: Element) => Paint): string {
  const outlineWidth = Math.max(0.8, size * 0.012);
  let body = '';
  // Consecutive elements of one group (the petals) are outlined as one silhouette: every outline
  // first, then every fill, so no dark lines cross the part and its colour fills its mask.
  for (let start = 0; start < elements.length; ) {
    let end = start + 1;
    while (end < elements.length && elements[end].group === elements[start].group) end++;
    const run = elements.slice(start, end);
    for (const element of run) if (element.outline) body += drawOutline(element, paint(element), outlineWidth, size);
    for (const element of run) body += drawFill(element, paint(element), size);
    start = end;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${body}</svg>`;
}

/** The element grown by half the outline width, in the outline colour; the fill then covers its inner half. */
function drawOutline(element: Element, paint: Paint, width: number, size: number): string {
  const colour = hex(paint.outline ?? OUTLINE);
  const shape = element.shape;
  if (shape.kind === 'line') return `<path d="${shape.d}" fill="none" stroke="${colour}" stroke-width="${(shape.width + width).toFixed(2)}"/>`;
  return `${openTag(shape, size)} fill="${colour}" stroke="${colour}" stroke-width="${width.toFixed(2)}" stroke-linejoin="round"/>`;
}

function drawFill(element: Element, paint: Paint, size: number): string {
  const colour = hex(paint.fill);
  const shape = element.shape;
  if (shape.kind === 'line') return `<path d="${shape.d}" fill="none" stroke="${colour}" stroke-width="${shape.width.toFixed(2)}"/>`;
  return `${openTag(shape, size)} fill="${colour}"/>`;
}

function openTag(shape: Exclude<Shape, { kind: 'line' }>, size: number): string {
  switch (shape.kind) {
    case 'canvas':
      return `<rect x="0" y="0" width="${size}" height="${size}"`;
    case 'ellipse': {
      const [cx, cy] = [shape.cx.toFixed(2), shape.cy.toFixed(2)];
      return `<ellipse cx="${cx}" cy="${cy}" rx="${shape.rx.toFixed(2)}" ry="${shape.ry.toFixed(2)}" transform="rotate(${shape.rotate.toFixed(2)} ${cx} ${cy})"`;
    }
    case 'area':
      return `<path d="${shape.d}"`;
  }
}
