/**
 * writeFolderAtomically / copyFolderAtomically: no hidden sibling left after a replacement or a
 * failure, errors naming the user's folder (with their code kept), a folder appearing at the
 * target during the write refused, and copies holding only files and folders.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFolderAtomically, writeFilesAtomically, writeFolderAtomically } from '../../src/engine/fs/atomic-folder';
import { rejectsWith } from '../helpers/rejects-with';

let root: string;
let count = 0;
const kind = { kind: 'explanation' as const };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-atomic-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

async function parent(): Promise<string> {
  const dir = path.join(root, `p${count++}`);
  await fs.mkdir(dir);
  return dir;
}

test('replacing a VEBI folder leaves no hidden sibling: the previous folder is removed with its files', async () => {
  const dir = await parent();
  const target = path.join(dir, 'out');
  await writeFilesAtomically(target, [{ name: 'a.json', data: 'first' }], kind);
  await writeFilesAtomically(target, [{ name: 'b.json', data: 'second' }], kind);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['out']);
  assert.deepEqual((await fs.readdir(target)).sort(), ['b.json', 'vebi-output.json']);
});

test('a failed fill removes its partial folder (with files) and names the output, keeping the error code', async () => {
  const dir = await parent();
  const target = path.join(dir, 'out');
  await assert.rejects(
    writeFolderAtomically(
      target,
      async (temp) => {
        await fs.writeFile(path.join(temp, 'half.png'), 'x');
        await fs.readFile(path.join(temp, 'missing.json'));
      },
      kind,
    ),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ENOENT');
      assert.ok(error.message.includes(path.join(target, 'missing.json')), error.message);
      assert.ok(!error.message.includes('.partial-'), error.message);
      return true;
    },
  );
  assert.deepEqual(await fs.readdir(dir), []);
});

test('a folder that appears at the target during the write is refused, naming the flag', async () => {
  const dir = await parent();
  const target = path.join(dir, 'out');
  const error = await rejectsWith(
    () =>
      writeFolderAtomically(
        target,
        async (temp) => {
          await fs.writeFile(path.join(temp, 'r.json'), '{}');
          await fs.mkdir(target);
          await fs.writeFile(path.join(target, 'mine.txt'), 'user data');
        },
        { ...kind, flag: '--report' },
      ),
    'OUTPUT_REFUSED',
    target,
  );
  assert.equal(error.message, `--report ${target} is a folder VEBI did not write (it holds mine.txt); nothing was written.`);
  assert.equal(await fs.readFile(path.join(target, 'mine.txt'), 'utf8'), 'user data');
  assert.deepEqual((await fs.readdir(dir)).sort(), ['out']);
  const plain = await rejectsWith(
    () =>
      writeFolderAtomically(
        path.join(dir, 'out2'),
        async () => {
          await fs.mkdir(path.join(dir, 'out2'));
          await fs.writeFile(path.join(dir, 'out2', 'x'), '');
        },
        kind,
      ),
    'OUTPUT_REFUSED',
  );
  assert.ok(plain.message.startsWith(`--out ${path.join(dir, 'out2')} is a folder VEBI did not write`), plain.message);
});

test('a copy holds files and folders, nested manifests included, and not the top manifest of the source', async () => {
  const dir = await parent();
  const source = path.join(dir, 'src');
  await writeFolderAtomically(
    source,
    async (temp) => {
      await fs.mkdir(path.join(temp, 'sub'));
      await fs.writeFile(path.join(temp, 'sub', 'vebi-output.json'), 'nested');
      await fs.writeFile(path.join(temp, 'a.png'), 'a');
    },
    kind,
  );
  const copy = path.join(dir, 'copy');
  await copyFolderAtomically(source, copy, kind);
  assert.equal(await fs.readFile(path.join(copy, 'sub', 'vebi-output.json'), 'utf8'), 'nested');
  assert.equal(await fs.readFile(path.join(copy, 'a.png'), 'utf8'), 'a');
  // The copy's manifest is its own (written after the copy), listing the nested file.
  const manifest = JSON.parse(await fs.readFile(path.join(copy, 'vebi-output.json'), 'utf8'));
  assert.deepEqual(manifest.files.map((f: { path: string }) => f.path), ['a.png', 'sub/vebi-output.json']);
});

test('a copy refuses a link or a FIFO in the source, naming it', async () => {
  const dir = await parent();
  const source = path.join(dir, 'src');
  await fs.mkdir(source);
  await fs.writeFile(path.join(source, 'a.png'), 'a');
  await fs.symlink(path.join(source, 'a.png'), path.join(source, 'b.png'));
  const linked = path.join(source, 'b.png');
  const error = await rejectsWith(() => copyFolderAtomically(source, path.join(dir, 'copy'), kind), 'REPORT_INVALID', linked);
  assert.equal(error.message, `${linked} is a symbolic link; VEBI's folders hold only files and folders, so this one was not written by VEBI or was changed since. Delete it and re-run.`);
  await fs.rm(linked);
  const fifo = path.join(source, 'c.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const piped = await rejectsWith(() => copyFolderAtomically(source, path.join(dir, 'copy'), kind), 'REPORT_INVALID', fifo);
  assert.ok(piped.message.startsWith(`${fifo} is a FIFO (named pipe); VEBI's folders`), piped.message);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['src']);
});

test('a cancelled copy writes nothing', async () => {
  const dir = await parent();
  const source = path.join(dir, 'src');
  await fs.mkdir(source);
  await fs.writeFile(path.join(source, 'a.png'), 'a');
  const controller = new AbortController();
  controller.abort();
  await rejectsWith(() => copyFolderAtomically(source, path.join(dir, 'copy'), { ...kind, signal: controller.signal }), 'CANCELLED');
  assert.deepEqual(await fs.readdir(dir), ['src']);
});
