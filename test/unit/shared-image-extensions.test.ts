/**
 * Which file names a dataset scan treats as images: by extension, any case, and only when there is
 * a name before the dot (".png" alone is a hidden file, not an image called "").
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isImageFileName } from '../../src/shared/image-extensions';

test('names with a supported extension, in any case, are images', () => {
  for (const name of ['cat.png', 'cat.PNG', 'a.jpg', 'a.JPEG', 'a.jpe', 'a.jfif', 'a.webp', 'a.gif', 'a.tif', 'a.Tiff', 'a.avif', 'x.y.png', 'a.png.jpg']) {
    assert.equal(isImageFileName(name), true, name);
  }
});

test('a dot-file named only by its extension is not an image', () => {
  for (const name of ['.png', '.jpg', '.JPEG']) assert.equal(isImageFileName(name), false, name);
});

test('names without a dot, with another extension, or with an unsupported image format are not images', () => {
  for (const name of ['', 'png', 'cat', 'cat.', 'cat.txt', 'cat.png.zip', 'cat.bmp', 'cat.svg', 'cat.heic', 'catpng', 'g']) {
    assert.equal(isImageFileName(name), false, name);
  }
});
