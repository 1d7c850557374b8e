/**
 * PyTorch module paths (mutation tests): Sequential/ModuleList entries split only at top-level
 * commas (brackets and strings skipped), the container written with or without `nn.`, multi-digit
 * indices, VEBI's `_k` suffix only at the end, and the length of a non-word entry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findModuleInText } from '../../src/extension/pytorch-module-path';

/** The text found for `layer` (its offset and length), or undefined. */
function found(text: string, layer: string): { at: string; resolved: string } | undefined {
  const loc = findModuleInText(text, layer);
  return loc && { at: text.slice(loc.offset, loc.offset + loc.length), resolved: loc.resolved };
}

test('entries: plain names and strings are entries, split at top-level commas', () => {
  assert.deepEqual(found('self.f = nn.Sequential(a, b, c)', 'f.2'), { at: 'c', resolved: 'f.2' });
  assert.deepEqual(found('self.f = nn.Sequential("a, b",nn.ReLU())', 'f.1'), { at: 'nn.ReLU', resolved: 'f.1' });
  assert.deepEqual(found("self.f = nn.Sequential('a, b',nn.ReLU())", 'f.1'), { at: 'nn.ReLU', resolved: 'f.1' });
});

test('entries: commas inside a list or dict entry do not split it', () => {
  assert.deepEqual(found('self.f = nn.Sequential(*[nn.Linear(4, 4), nn.ReLU()], nn.Dropout(0.1))', 'f.1'), { at: 'nn.Dropout', resolved: 'f.1' });
  assert.deepEqual(found("self.f = nn.Sequential(*{'a': nn.Linear(1, 1), 'b': nn.ReLU()}.values(), nn.Dropout())", 'f.1'), { at: 'nn.Dropout', resolved: 'f.1' });
});

test('an entry that does not start with a word is marked by one character', () => {
  assert.deepEqual(found('self.f = nn.Sequential(*blocks)', 'f.0'), { at: '*', resolved: 'f.0' });
});

test('listBracket: Sequential imported bare, and ModuleList([ with the list on the next line', () => {
  assert.deepEqual(found('self.f = Sequential(a, b)', 'f.1'), { at: 'b', resolved: 'f.1' });
  assert.deepEqual(found('self.f = nn.ModuleList(\n    [a, b])', 'f.1'), { at: 'b', resolved: 'f.1' });
});

test('indices of two digits are followed', () => {
  const entries = Array.from({ length: 13 }, (_, i) => `nn.ReLU${i}()`).join(', ');
  assert.deepEqual(found(`self.f = nn.Sequential(${entries})`, 'f.12'), { at: 'nn.ReLU12', resolved: 'f.12' });
});

test('an index is never looked up as an attribute (a dict key "0: ...=" is not an assignment)', () => {
  const text = 'self.features = nn.Sequential(nn.Conv2d(1, 2, 3))\nconfig = {0: dict(kernel_size=3), 12: dict(kernel_size=5)}';
  assert.deepEqual(found(text, 'features.0'), { at: 'nn.Conv2d', resolved: 'features.0' });
  assert.deepEqual(found(text, 'features.12'), { at: 'features', resolved: 'features' });
});

test("VEBI's _k suffix is dropped only at the end of the path, with any number of digits", () => {
  assert.equal(found('self.blkx = nn.ReLU()', 'blk_1x.conv'), undefined);
  assert.deepEqual(found('self.conv1 = nn.Conv2d(1, 1, 1)', 'layer1.0.conv1_10'), { at: 'conv1', resolved: 'layer1.0.conv1' });
});
