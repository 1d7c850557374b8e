/** Dataset reading: folder layout, image decoding, preprocessing, batches. */
export { scanDataset, checkClassCount, classFolderOf } from './scan-dataset';
export type { Dataset, DatasetItem, ScanOptions } from './scan-dataset';
export { decodeImage, decodeImageOriginal, rgbToGrey, DEFAULT_MAX_PIXELS } from './decode-image';
export type { ImageShape, DecodeOptions, OriginalImage } from './decode-image';
export { preprocess, preprocessInto, parsePreprocessing, formatPreprocessing, checkPreprocessing, PREPROCESSING_HELP } from './preprocess';
export { readPreprocessingSidecar, validatePreprocessing, SIDECAR_FILE_NAME } from './sidecar';
export type { Sidecar } from './sidecar';
export { imageBatches } from './batches';
export { DecodeBudget, DEFAULT_DECODE_BUDGET, decodeCost } from './decode-budget';
export { isImageFileError, IMAGE_FILE_ERROR_CODES } from './image-file';
export type { ImageFileErrorCode } from './image-file';
export type { ImageBatch, BatchOptions, SkippedFile } from './batches';
export { IMAGE_EXTENSIONS, isImageFileName } from '../../shared/image-extensions';
export { naturalCompare, lexicographicCompare } from './natural-compare';
