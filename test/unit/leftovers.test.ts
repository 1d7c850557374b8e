/**
 * The hidden siblings a killed writer leaves next to an output folder (.<name>.partial-<pid>-<tag>,
 * .<name>.old-<pid>-<tag>) are swept by the next write to that folder when their process is dead,
 * and left alone while it lives (it may still be writing). Real processes: a child that exited
 * (dead pid) and a child still running (live pid).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFolderAtomically } from '../../src/engine/fs/atomic-folder';
import { removeLeftovers, siblingName } from '../../src/engine/fs/leftovers';
import type { OutputKind } from '../../src/engine/fs/output-manifest';
import { pidAlive } from '../helpers/pid-alive';

let root: string;
const kind: { kind: OutputKind } = { kind: 'explanation' };

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-leftovers-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  assert.ok(!pidAlive(child.pid), 'the fixture: the exited child is gone');
  return child.pid;
}

async function writeText(target: string, text: string): Promise<void> {
  await writeFolderAtomically(target, (temp) => fs.writeFile(path.join(temp, 'a.txt'), text), kind);
}

/** A sibling folder with a file in it, as a killed writer leaves it. */
async function leftover(parent: string, base: string, sibling: 'partial' | 'old', tag: string): Promise<string> {
  const name = siblingName(base, sibling, tag);
  await fs.mkdir(path.join(parent, name));
  await fs.writeFile(path.join(parent, name, 'a.txt'), `${sibling} ${tag}`);
  return name;
}

const list = async (dir: string) => (await fs.readdir(dir)).sort();

test("the next write removes a dead writer's partial and old folders and keeps a live writer's until it is gone", async (t) => {
  const parent = path.join(root, 'sweep');
  const target = path.join(parent, 'report');
  await writeText(target, 'first');

  const dead = deadPid();
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.after(() => child.kill('SIGKILL'));
  const live = child.pid as number;
  assert.ok(pidAlive(live));

  const deadOnes = [await leftover(parent, 'report', 'partial', `${dead}-deadbeef`), await leftover(parent, 'report', 'old', `${dead}-deadbeef`)];
  const liveOnes = [await leftover(parent, 'report', 'partial', `${live}-0badf00d`), await leftover(parent, 'report', 'old', `${live}-0badf00d`)];
  // Not this folder's siblings, or not a pid: never touched.
  const others = [
    await leftover(parent, 'report2', 'partial', `${dead}-deadbeef`),
    await leftover(parent, 'repor', 'old', `${dead}-deadbeef`),
    await leftover(parent, 'report', 'partial', 'nopid-deadbeef'),
  ];

  await writeText(target, 'second');
  assert.deepEqual(await list(parent), ['report', ...liveOnes, ...others].sort(), 'the dead pid\'s siblings are gone, the live pid\'s kept');
  assert.equal(await fs.readFile(path.join(target, 'a.txt'), 'utf8'), 'second');
  assert.ok(deadOnes.every((name) => name.includes(`-${dead}-`)));

  child.kill('SIGKILL');
  await exited;
  assert.ok(!pidAlive(live), 'the child is gone');
  await writeText(target, 'third');
  assert.deepEqual(await list(parent), ['report', ...others].sort(), 'once its process is gone, the next write removes them too');
  assert.equal(await fs.readFile(path.join(target, 'a.txt'), 'utf8'), 'third');
});

test('a folder with a long name (its siblings get a shortened name) is swept too', async () => {
  const parent = path.join(root, 'long');
  const base = `report-${'x'.repeat(150)}`;
  const target = path.join(parent, base);
  await writeText(target, 'first');
  const dead = deadPid();
  const partial = await leftover(parent, base, 'partial', `${dead}-deadbeef`);
  const old = await leftover(parent, base, 'old', `${dead}-deadbeef`);
  assert.ok(!partial.includes(base) && !old.includes(base), 'the fixture: the siblings have the shortened name');
  await writeText(target, 'second');
  assert.deepEqual(await list(parent), [base]);
});

test('with the target missing, the newest old folder of a dead writer is put back and the older ones removed', async () => {
  const parent = path.join(root, 'restore');
  const target = path.join(parent, 'report');
  await fs.mkdir(parent);
  const dead = deadPid();
  const names = [await leftover(parent, 'report', 'old', `${dead}-00000001`), await leftover(parent, 'report', 'old', `${dead}-00000002`), await leftover(parent, 'report', 'old', `${dead}-00000003`)];
  // The middle one is the newest (the tags and the creation order say nothing).
  const seconds = [1_600_000_000, 1_700_000_000, 1_650_000_000];
  await Promise.all(names.map((name, i) => fs.utimes(path.join(parent, name), seconds[i], seconds[i])));
  await removeLeftovers(parent, 'report');
  assert.deepEqual(await list(parent), ['report']);
  assert.equal(await fs.readFile(path.join(target, 'a.txt'), 'utf8'), `old ${dead}-00000002`);
});

test('two writes of this process to the same folder at once: the second does not sweep the first one\'s partial folder', async () => {
  const target = path.join(root, 'concurrent', 'report');
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started: () => void = () => undefined;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const first = writeFolderAtomically(
    target,
    async (temp) => {
      started();
      await gate;
      await fs.writeFile(path.join(temp, 'a.txt'), 'first');
    },
    kind,
  );
  await firstStarted;
  await writeText(target, 'second');
  release();
  await first;
  assert.equal(await fs.readFile(path.join(target, 'a.txt'), 'utf8'), 'first');
  assert.deepEqual(await list(path.dirname(target)), ['report']);
});
