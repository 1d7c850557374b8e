/**
 * The real third-party Keras models of ../shared/real-models. Loading Keras files directly comes
 * with the Keras loader (issue 5); until then the engine must refuse them with a clear message.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from '../../src/engine';
import { isVebiError } from '../../src/shared/errors';

const REAL_MODELS = path.resolve(__dirname, '../../../shared/real-models');
const skip = existsSync(REAL_MODELS) ? false : `no ${REAL_MODELS} on this machine (the real models live outside the project)`;

for (const file of ['mnist-cnn-keras3.keras', 'mnist-cnn-keras3.h5']) {
  test(`${file}: refused with a message that says what to do (Keras loading is issue 5)`, { skip }, async () => {
    await assert.rejects(loadModel(path.join(REAL_MODELS, file)), (error) => {
      assert.ok(isVebiError(error));
      assert.equal(error.code, 'MODEL_UNSUPPORTED');
      assert.match(error.message, new RegExp(file.replace('.', '\\.')));
      assert.match(error.message, /tensorflowjs_converter|model\.json/);
      return true;
    });
  });
}
