/** Garbage in is said out loud: a model near chance, one class for everything, classes with no feature. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { interpretationWarnings } from '../../src/engine/interpret/interpretation-warnings';

const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

function run(labels: number[], predictions: number[], relevantCounts = classes.map(() => 3)) {
  return interpretationWarnings({ classes, labels: Int32Array.from(labels), predictions: Int32Array.from(predictions), relevantCounts, preprocessing: 'unit' });
}

test('a good model on its folder gets no warning', () => {
  const labels = Array.from({ length: 100 }, (_, i) => i % 10);
  assert.deepEqual(run(labels, labels), []);
});

test('accuracy near chance and one class predicted for nearly all images are warned about, with what to check', () => {
  const labels = Array.from({ length: 100 }, (_, i) => i % 10);
  const warnings = run(labels, labels.map(() => 3));
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /10\.0 % accurate on this folder, near chance \(10\.0 % for 10 classes\).*preprocessing \(unit\)/);
  assert.match(warnings[1], /predicts "d" for 100\.0 % of the images/);
  // At the boundary: chance + 10 % of the way to perfect (19 % for 10 classes) still warns, 20 % does not.
  const at = (correct: number) => run(labels, labels.map((l, i) => (i < correct ? l : (l + 1) % 10)));
  assert.equal(at(19).length, 1);
  assert.deepEqual(at(20), []);
});

test('classes without a relevant feature are named', () => {
  const labels = Array.from({ length: 100 }, (_, i) => i % 10);
  const counts = classes.map((_, j) => (j < 2 ? 0 : 4));
  const [warning] = run(labels, labels, counts);
  assert.match(warning, /2 of 10 classes have no relevant feature \("a", "b"\)/);
  assert.match(run(labels, labels, classes.map(() => 0))[0], /^No class has a relevant feature/);
});
