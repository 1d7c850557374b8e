/** An image from a report folder, sized by class, with a visible placeholder when the file is missing. */
import { h } from '../dom';
import { resourceUrl } from '../resource-url';

export type ImageKind = 'crop' | 'strip' | 'input' | 'overlay' | 'thumb' | 'plot';

export interface ReportImageOptions {
  base: string;
  path: string;
  alt: string;
  kind: ImageKind;
  testId?: string;
}

export function reportImage(options: ReportImageOptions): HTMLImageElement {
  const img = h('img', {
    src: resourceUrl(options.base, options.path),
    alt: options.alt,
    title: options.alt,
    class: `report-image report-image--${options.kind}`,
    decoding: 'async',
    'data-testid': options.testId,
  });
  // Pixelated rendering is for enlarging small crops; a file larger than its box is smoothed instead.
  img.addEventListener('load', () => {
    if (img.clientWidth > 0 && img.naturalWidth > img.clientWidth) img.classList.add('report-image--smooth');
  });
  img.addEventListener('error', () => {
    img.classList.add('report-image--missing');
    img.title = `Missing file: ${options.path}`;
  });
  return img;
}

/** An image with a caption under it. */
export function figure(img: HTMLElement, caption: string): HTMLElement {
  return h('figure', { class: 'figure' }, img, h('figcaption', null, caption));
}
