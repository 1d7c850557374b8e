/** The extension host reads workspace files without blocking on a FIFO or reading past a limit. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularHead, readRegularText, regularFileSize, UnreadableFile } from '../../src/extension/regular-file';
import { readResultFile } from '../../src/extension/read-result-file';
import { INTERPRET_REPORT_SCHEMA } from '../../src/shared/schemas/interpret-report';

test('regular files are read whole or by their head; FIFOs, devices, folders and oversized files are refused at once', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-ext-files-'));
  const file = path.join(dir, 'model.json');
  await fs.writeFile(file, '{"a": 1}');
  assert.equal(await readRegularText(file, 100), '{"a": 1}');
  assert.deepEqual(Array.from(await readRegularHead(file, 2)), [0x7b, 0x22]);
  assert.equal(await regularFileSize(file), 8);
  await assert.rejects(readRegularText(file, 7), (e: unknown) => e instanceof UnreadableFile && /8 bytes, above the limit of 7/.test(e.why));
  await assert.rejects(readRegularText(dir, 100), (e: unknown) => e instanceof UnreadableFile && /not a regular file/.test(e.why));
  await assert.rejects(readRegularHead('/dev/zero', 4), (e: unknown) => e instanceof UnreadableFile && /not a regular file/.test(e.why));
  assert.equal(await regularFileSize('/dev/zero'), undefined);
  const fifo = path.join(dir, 'train.py');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    const started = Date.now();
    await assert.rejects(readRegularText(fifo, 100), UnreadableFile);
    await assert.rejects(readRegularHead(fifo, 4), UnreadableFile);
    await assert.rejects(readResultFile(fifo, INTERPRET_REPORT_SCHEMA), /REPORT_INVALID|not a regular file/);
    assert.ok(Date.now() - started < 2000, 'a FIFO must not block');
  }
  await fs.rm(dir, { recursive: true });
});
