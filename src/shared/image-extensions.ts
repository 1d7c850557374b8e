/**
 * File extensions the bundled sharp (libvips 8.18, prebuilt) decodes: checked against sharp.format
 * by the unit tests. BMP, SVG and HEIC are absent on purpose: the prebuilt binaries do not read BMP
 * or HEIC, and SVG is vector art rather than a photo of the class.
 */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.png',
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
];

export function isImageFileName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return false;
  return IMAGE_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}
