/** `explain --method NAME` and the panel's picker accept exactly the listed method names. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EXPLANATION_METHODS, isExplanationMethodName } from '../../src/shared/params';

test('every listed method name is accepted', () => {
  for (const method of EXPLANATION_METHODS) assert.equal(isExplanationMethodName(method.name), true, method.name);
});

test('a name that is not listed (a display name, another case, empty) is refused', () => {
  for (const name of ['', 'VEBI', 'Grad-CAM', 'gradcam ', 'lime', 'guided', 'vebi,gradcam']) {
    assert.equal(isExplanationMethodName(name), false, JSON.stringify(name));
  }
});
