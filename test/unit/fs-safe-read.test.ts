/**
 * safe-read: what VEBI refuses to read (folders, FIFOs, devices, sockets, oversized files) and the
 * messages naming the file and why; a file that reads short, and the handle always closed.
 * Real files: a FIFO (mkfifo), a Unix socket, /dev/null, a block device when the machine has one.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, readdirSync, existsSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFileType, readRegularFile, readRegularText, statRegularFile, tooLarge } from '../../src/engine/fs/safe-read';
import type { SafeReadOptions } from '../../src/engine/fs/safe-read';
import { rejectsWith } from '../helpers/rejects-with';
import { runAsNobody } from '../helpers/as-nobody';

let root: string;
let server: net.Server | undefined;
const options: SafeReadOptions = { what: 'Thing', maxBytes: 10, code: 'MODEL_CORRUPT', tooLargeCode: 'MODEL_TOO_LARGE', hint: 'Do X.' };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-safe-read-')));
});
after(async () => {
  server?.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** Both readers fail with `code` and exactly `message` (the file is named, the hint appended). */
async function bothRefuse(file: string, message: string, code: string = options.code): Promise<void> {
  for (const read of [statRegularFile, readRegularFile]) {
    const error = await rejectsWith(() => read(file, options), code, file);
    assert.equal(error.message, message, read.name);
  }
}

function blockDevice(): string | undefined {
  for (const name of existsSync('/dev') ? readdirSync('/dev') : []) {
    const full = `/dev/${name}`;
    try {
      if (spawnSync('test', ['-b', full]).status === 0) return full;
    } catch {
      /* none */
    }
  }
  return undefined;
}

test('describeFileType names each kind of non-regular file', async (t) => {
  const fifo = path.join(root, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.equal(describeFileType(await fs.lstat(fifo)), 'a FIFO (named pipe)');
  assert.equal(describeFileType(await fs.lstat(root)), 'a folder');
  assert.equal(describeFileType(await fs.lstat('/dev/null')), 'a character device');
  const socket = path.join(root, 'sock');
  server = net.createServer();
  await new Promise<void>((resolve) => server!.listen(socket, resolve));
  assert.equal(describeFileType(await fs.lstat(socket)), 'a socket');
  const file = path.join(root, 'plain');
  await fs.writeFile(file, 'x');
  assert.equal(describeFileType(await fs.lstat(file)), 'not a regular file');
  const block = blockDevice();
  if (!block) return t.diagnostic('no block device on this machine');
  assert.equal(describeFileType(await fs.lstat(block)), 'a block device');
});

test('a missing file, a symlink loop, a too-long name and a file used as a folder: errno reasons', async () => {
  const missing = path.join(root, 'missing.bin');
  await bothRefuse(missing, `Thing ${missing} does not exist. Do X.`);
  const loop = path.join(root, 'loop');
  await fs.symlink(path.join(root, 'loop2'), loop);
  await fs.symlink(loop, path.join(root, 'loop2'));
  await bothRefuse(loop, `Thing ${loop} is a symbolic link loop. Do X.`);
  const long = path.join(root, 'n'.repeat(300));
  await bothRefuse(long, `Thing ${long} has a name too long for the file system. Do X.`);
  const file = path.join(root, 'afile');
  await fs.writeFile(file, 'x');
  const under = path.join(file, 'child');
  await bothRefuse(under, `Thing ${under} cannot be read (ENOTDIR). Do X.`);
});

test('folders, FIFOs and devices are refused before any read, naming what they are', async () => {
  await bothRefuse(root, `Thing ${root} is a folder, not a regular file; refusing to read it. Do X.`);
  const fifo = path.join(root, 'fifo2');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  await bothRefuse(fifo, `Thing ${fifo} is a FIFO (named pipe), not a regular file; refusing to read it. Do X.`);
  await bothRefuse('/dev/null', `Thing /dev/null is a character device, not a regular file; refusing to read it. Do X.`);
});

test('the size limit: equal is accepted, one byte more is refused with both sizes', async () => {
  const ok = path.join(root, 'ten');
  await fs.writeFile(ok, '0123456789');
  assert.equal((await statRegularFile(ok, options)).size, 10);
  assert.equal((await readRegularFile(ok, options)).toString(), '0123456789');
  const big = path.join(root, 'eleven');
  await fs.writeFile(big, '0123456789A');
  await bothRefuse(big, `Thing ${big} is 11 bytes, above the limit of 10 bytes. Do X.`, 'MODEL_TOO_LARGE');
  const empty = path.join(root, 'empty');
  await fs.writeFile(empty, '');
  assert.equal((await readRegularFile(empty, options)).length, 0);
});

test('tooLarge shows MiB from one MiB up, bytes below', () => {
  const o = { what: 'Image', tooLargeCode: 'IMAGE_TOO_LARGE' as const, hint: 'Shrink it.' };
  const e = tooLarge('/x.png', 1024 * 1024, 3 * 1024 * 1024 + 512 * 1024, o);
  assert.equal(e.message, 'Image /x.png is 1.0 MiB, above the limit of 3.5 MiB. Shrink it.');
  assert.equal(e.code, 'IMAGE_TOO_LARGE');
  assert.equal(e.path, '/x.png');
  assert.equal(tooLarge('/x.png', 1024 * 1024 - 1, 5, o).message, 'Image /x.png is 1048575 bytes, above the limit of 5 bytes. Shrink it.');
});

test('a file that reads shorter than its stat size (sysfs) is an error, not a loop or a crash', async (t) => {
  const sys = '/sys/kernel/mm/transparent_hugepage/enabled';
  if (!existsSync(sys)) return t.diagnostic('no sysfs file to read');
  const { size } = await fs.stat(sys);
  const error = await rejectsWith(() => readRegularFile(sys, { ...options, maxBytes: 1 << 20 }), options.code, sys);
  assert.match(error.message, new RegExp(`^Thing ${sys} got shorter while it was read \\(\\d+ of ${size} bytes\\)\\. Try again once the file is written\\. Do X\\.$`));
});

test('the handle is closed after a read and after a refusal', async () => {
  const fds = () => readdirSync('/proc/self/fd').length;
  const file = path.join(root, 'three');
  await fs.writeFile(file, 'abc');
  const before = fds();
  for (let i = 0; i < 5; i++) {
    await readRegularFile(file, options);
    await readRegularFile(root, options).catch(() => undefined);
  }
  assert.equal(fds(), before);
});

test('readRegularText drops a leading byte-order mark only', async () => {
  const file = path.join(root, 'bom.txt');
  await fs.writeFile(file, '\uFEFFa\uFEFFb');
  assert.equal(await readRegularText(file, { ...options, maxBytes: 100 }), 'a\uFEFFb');
  await fs.writeFile(file, 'a\uFEFFb');
  assert.equal(await readRegularText(file, { ...options, maxBytes: 100 }), 'a\uFEFFb');
});

test('a file this user may not read: "cannot be read (permission denied)"', async (t) => {
  // Needs root, to read as another user (nobody) a file only root may read.
  if (process.getuid?.() !== 0) return t.diagnostic('not root: cannot read as another user');
  await fs.chmod(root, 0o755);
  const secret = path.join(root, 'secret.bin');
  await fs.writeFile(secret, 'x');
  await fs.chmod(secret, 0o600);
  const script = path.join(root, 'read-as-nobody.ts');
  await fs.writeFile(
    script,
    `import { readRegularFile, statRegularFile } from ${JSON.stringify(path.resolve('src/engine/fs/safe-read.ts'))};
const o = ${JSON.stringify(options)};
void readRegularFile(${JSON.stringify(secret)}, o).catch((e: Error) => console.log(e.message));
void statRegularFile(${JSON.stringify(path.join(secret, 'x'))}, o).catch((e: Error) => console.log(e.message));
`,
  );
  await fs.chmod(script, 0o644);
  const result = runAsNobody(script, ['src/engine/fs/safe-read.ts']);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.includes(`Thing ${secret} cannot be read (permission denied). Do X.\n`), result.stdout);
});
