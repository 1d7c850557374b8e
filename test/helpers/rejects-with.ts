/** Runs `run` and asserts it fails with a VebiError of this code whose path (when given) is `where`. */
import * as assert from 'node:assert/strict';
import { isVebiError } from '../../src/shared/errors';

export async function rejectsWith(run: () => Promise<unknown>, code: string, where?: string, options: { messageNamesPath?: boolean } = {}): Promise<Error> {
  let caught: unknown;
  try {
    await run();
  } catch (e) {
    caught = e;
  }
  assert.ok(isVebiError(caught), `expected VebiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (where !== undefined) {
    assert.equal(caught.path, where);
    if (options.messageNamesPath) assert.ok(caught.message.includes(where), `the message names the file: ${caught.message}`);
  }
  return caught as Error;
}
