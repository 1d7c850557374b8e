/**
 * leftovers: which hidden siblings of an output the next write removes or puts back (only those of
 * dead writers, only well-formed names), the shortened names of long outputs, and what this
 * process undoes on exit (in a child process that exits mid-write).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeLeftovers, siblingName } from '../../src/engine/fs/leftovers';
import { runAsNobody } from '../helpers/as-nobody';

let root: string;
let dead: number;
let count = 0;

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-fs-leftovers-')));
  const child = spawnSync(process.execPath, ['-e', '']);
  dead = child.pid!;
});
after(() => fs.rm(root, { recursive: true, force: true }));

async function parent(): Promise<string> {
  const dir = path.join(root, `p${count++}`);
  await fs.mkdir(dir);
  return dir;
}

/** A folder holding one file `mark` with `text`, with the given mtime (seconds ago). */
async function leftover(dir: string, name: string, text: string, ageSeconds = 0): Promise<void> {
  await fs.mkdir(path.join(dir, name));
  await fs.writeFile(path.join(dir, name, 'mark'), text);
  const when = Date.now() / 1000 - ageSeconds;
  await fs.utimes(path.join(dir, name), when, when);
}

test('sibling names: up to 120 bytes kept, longer ones cut to 60 characters and a 16-digit hash', () => {
  const exact = 'a'.repeat(120);
  assert.equal(siblingName(exact, 'partial', '1-x'), `.${exact}.partial-1-x`);
  const long = 'b'.repeat(121);
  const hash = createHash('sha256').update(long).digest('hex').slice(0, 16);
  assert.equal(siblingName(long, 'old', '2-y'), `.${'b'.repeat(60)}~${hash}.old-2-y`);
});

test('a dead writer\'s partial folder is removed (with its files); a target missing is not filled from it', async () => {
  const dir = await parent();
  await leftover(dir, siblingName('out', 'partial', `${dead}-t`), 'partial');
  await removeLeftovers(dir, 'out');
  assert.deepEqual(await fs.readdir(dir), []);
});

test('target missing: the dead writer\'s old folder is put back, not a newer partial one', async () => {
  const dir = await parent();
  await leftover(dir, siblingName('out', 'old', `${dead}-a`), 'old', 100);
  await leftover(dir, siblingName('out', 'partial', `${dead}-b`), 'partial', 0);
  await removeLeftovers(dir, 'out');
  assert.deepEqual(await fs.readdir(dir), ['out']);
  assert.equal(await fs.readFile(path.join(dir, 'out', 'mark'), 'utf8'), 'old');
});

test('names that are not well-formed siblings, or of a live process, are left alone', async () => {
  const dir = await parent();
  const names = [
    '.out.partial-1.5-t', // not an integer pid
    '.out.partial-Infinity-t',
    '.out.old-abc-t',
    '.other.partial-' + dead + '-t', // another output's
    '.out.partial-' + process.pid + '-t', // this process's own write
    '.out.partial-' + process.ppid + '-t', // a live process
  ];
  for (const name of names) await leftover(dir, name, name);
  await fs.mkdir(path.join(dir, 'out'));
  await removeLeftovers(dir, 'out');
  assert.deepEqual((await fs.readdir(dir)).sort(), [...names, 'out'].sort());
});

/** Runs `body` (TypeScript, with trackWrite imported) in a child that then exits; its result. */
function runChild(body: string) {
  const script = path.join(root, `child${count++}.ts`);
  const source = `import { trackWrite } from ${JSON.stringify(path.resolve('src/engine/fs/leftovers.ts'))};\nimport { mkdirSync, writeFileSync } from 'node:fs';\n${body}\n`;
  return fs.writeFile(script, source).then(() => spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 }));
}

test('on exit: a swap cut after moving the old folder aside is undone; a published one drops the old folder; partial folders go', async () => {
  const dir = await parent();
  const j = (name: string) => path.join(dir, name);
  // Each write: its target, temp (partial) and old folders, each a folder holding a file.
  const setup = (name: string, has: string[]) =>
    `${has.map((k) => `mkdirSync(${JSON.stringify(j(`${name}.${k}`))}); writeFileSync(${JSON.stringify(j(`${name}.${k}/f`))}, ${JSON.stringify(k)});`).join(' ')}
     const ${name} = trackWrite({ target: ${JSON.stringify(j(`${name}.target`))}, temp: ${JSON.stringify(j(`${name}.temp`))}, old: ${JSON.stringify(j(`${name}.old`))} });`;
  const result = await runChild(`
    ${setup('cut', ['temp', 'old'])} cut.movedAside();
    ${setup('done', ['temp', 'old', 'target'])} done.movedAside(); done.published();
    ${setup('doneNoTemp', ['old', 'target'])} doneNoTemp.movedAside(); doneNoTemp.published();
    ${setup('back', ['temp', 'old'])} back.movedAside(); back.restored();
    ${setup('busy', ['temp', 'old', 'target'])} busy.movedAside();
    ${setup('finished', ['temp', 'old', 'target'])} finished.finish();
    ${setup('fresh', ['temp'])}
    // Many writes install one exit hook (no MaxListenersExceededWarning).
    for (let i = 0; i < 12; i++) trackWrite({ target: '/nonexistent/t', temp: '/nonexistent/p' + i, old: '/nonexistent/o' }).finish();
    // After a turn, so that a warning about exit listeners would be printed.
    setImmediate(() => process.exit(0));
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.deepEqual((await fs.readdir(dir)).sort(), [
    'back.old', // restored by the writer itself: not put back again
    'busy.old', // the target is there: the old folder is not moved over it
    'busy.target',
    'cut.target',
    'done.target',
    'doneNoTemp.target',
    'finished.old',
    'finished.target',
    'finished.temp', // finished writes are not touched
  ]);
  assert.equal(await fs.readFile(j('cut.target/f'), 'utf8'), 'old');
  assert.equal(await fs.readFile(j('done.target/f'), 'utf8'), 'target');
  assert.equal(existsSync(j('fresh.temp')), false);
});

test('a process this user may not signal (EPERM) is alive: its partial folder is kept', async (t) => {
  // Needs root, to run the sweep as another user (nobody) who may not signal pid 1.
  if (process.getuid?.() !== 0) return t.diagnostic('not root: cannot run the sweep as another user');
  await fs.chmod(root, 0o755);
  const dir = path.join(root, `shared${count++}`);
  await fs.mkdir(dir, { mode: 0o777 });
  await fs.chmod(dir, 0o777);
  await fs.mkdir(path.join(dir, '.out.partial-1-t'));
  const script = path.join(root, `sweep${count++}.ts`);
  await fs.writeFile(script, `import { removeLeftovers } from ${JSON.stringify(path.resolve('src/engine/fs/leftovers.ts'))};\nvoid removeLeftovers(${JSON.stringify(dir)}, 'out');\n`);
  await fs.chmod(script, 0o644);
  const result = runAsNobody(script, ['src/engine/fs/leftovers.ts']);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(await fs.readdir(dir), ['.out.partial-1-t']);
});
