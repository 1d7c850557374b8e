/** Pixels and PNGs: plain typed arrays in, Buffers out; no tensors here. */
export { encodePng, writePng } from './png';
export type { PngOptions } from './png';
export { applyColormap, colormapLut } from './colormap';
export type { ColormapName } from './colormap';
export { signalToHeatmap, minMaxNormalize, combineMax, resizeMap } from './heatmap';
export { overlayHeatmap } from './overlay';
export type { OverlayOptions } from './overlay';
export { cropWithMeanPadding, channelMeans, averageImages, averageFloat, tileStrip, upscaleNearest, displayScale } from './crop';
export type { StripOptions } from './crop';
export { decodePngSimple, isPng, pngHeaderSize } from './png-decode';
export type { RawImage } from './png-decode';
export { crc32 } from './crc32';
