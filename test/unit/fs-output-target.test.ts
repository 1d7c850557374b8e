/**
 * checkOutputTarget: an output is refused over an input (by either spelling, through symlinks),
 * inside a data folder or over the working folder; unwritable places give OUTPUT_UNWRITABLE with
 * the user's path; the flag named in messages defaults to --out.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOutputTarget } from '../../src/engine/fs/output-target';
import { rejectsWith } from '../helpers/rejects-with';
import { runAsNobody } from '../helpers/as-nobody';

let root: string;
let real: string;
let link: string;
const kind = 'explanation' as const;
const ending = '; nothing was written. Choose a new or empty folder, or one written by VEBI.';

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'vebi-output-target-')));
  real = path.join(root, 'real');
  link = path.join(root, 'link');
  await fs.mkdir(real);
  await fs.symlink(real, link);
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('a fresh output passes, with or without inputs given', async () => {
  await checkOutputTarget(path.join(root, 'fresh'), { kind });
  await checkOutputTarget(path.join(root, 'fresh'), { kind, inputs: [undefined, path.join(real, 'model.json')], dataFolders: [undefined] });
});

test('an input reached through a symlinked folder is recognised, even when missing two levels deep', async () => {
  const input = path.join(real, 'x', 'y');
  const target = path.join(link, 'x', 'y');
  const error = await rejectsWith(() => checkOutputTarget(target, { kind, inputs: [input] }), 'OUTPUT_REFUSED', target);
  assert.equal(error.message, `--out ${target} is an input of this run (${input}); replacing it would delete it${ending}`);
});

test('an existing input file named through the link is an input, and a folder holding one holds it', async () => {
  await fs.mkdir(path.join(real, 'out'));
  await fs.writeFile(path.join(real, 'in.json'), '{}');
  const input = path.join(real, 'in.json');
  const target = path.join(link, 'in.json');
  const error = await rejectsWith(() => checkOutputTarget(target, { kind, inputs: [input], flag: '--save' }), 'OUTPUT_REFUSED', target);
  assert.equal(error.message, `--save ${target} is an input of this run (${input}); replacing it would delete it${ending}`);
  const model = path.join(real, 'out', 'model.json');
  const holder = path.join(link, 'out');
  const held = await rejectsWith(() => checkOutputTarget(holder, { kind, inputs: [model] }), 'OUTPUT_REFUSED', holder);
  assert.equal(held.message, `--out ${holder} holds an input of this run (${model}); replacing it would delete it${ending}`);
});

test('without inputs or data folders given, no path is taken for one (not even one named like a placeholder)', async () => {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    await checkOutputTarget(path.join(root, 'Stryker was here'), { kind });
    await checkOutputTarget(path.join(root, 'Stryker was here', 'out'), { kind });
  } finally {
    process.chdir(cwd);
  }
});

test('inside a data folder: refused naming the folder', async () => {
  const target = path.join(link, 'data', 'out');
  const data = path.join(real, 'data');
  const error = await rejectsWith(() => checkOutputTarget(target, { kind, dataFolders: [data] }), 'OUTPUT_REFUSED', target);
  assert.equal(error.message, `--out ${target} is inside the data folder ${data}; its files would become part of the data${ending}`);
});

test('a link to a folder holding the working folder holds it', async () => {
  const toSlash = path.join(root, 'to-slash');
  await fs.symlink('/', toSlash);
  const error = await rejectsWith(() => checkOutputTarget(toSlash, { kind }), 'OUTPUT_REFUSED', toSlash);
  assert.equal(error.message, `--out ${toSlash} holds the working folder (${process.cwd()})${ending}`);
});

test('under a file: OUTPUT_UNWRITABLE (ENOTDIR) naming the output', async () => {
  const file = path.join(root, 'a-file');
  await fs.writeFile(file, '');
  const target = path.join(file, 'out');
  const error = await rejectsWith(() => checkOutputTarget(target, { kind }), 'OUTPUT_UNWRITABLE', target);
  assert.equal(error.message, `Cannot write ${target}: a part of that path is a file, not a folder (ENOTDIR). Choose another folder; nothing was written.`);
});

test('under a dangling link: OUTPUT_UNWRITABLE with the system message', async () => {
  const dangling = path.join(root, 'dangling');
  await fs.symlink(path.join(root, 'nowhere'), dangling);
  const target = path.join(dangling, 'out');
  const error = await rejectsWith(() => checkOutputTarget(target, { kind }), 'OUTPUT_UNWRITABLE', target);
  assert.match(error.message, new RegExp(`^Cannot write ${target}: ENOENT: .*${dangling}.*\\. Choose another folder; nothing was written\\.$`));
});

test('under a symlink loop: the sweep of leftovers fails with the system error, not a later check', async () => {
  const loop = path.join(root, 'loop');
  await fs.symlink(loop, loop);
  await assert.rejects(checkOutputTarget(path.join(loop, 'out'), { kind }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ELOOP');
    assert.notEqual(error.name, 'VebiError');
    return true;
  });
});

test('an existing folder this user may not write into: OUTPUT_UNWRITABLE (permission denied)', async (t) => {
  // Needs root, to check as another user (nobody) a folder only root may write.
  if (process.getuid?.() !== 0) return t.diagnostic('not root: cannot check as another user');
  await fs.chmod(root, 0o755);
  const shared = path.join(root, 'shared');
  await fs.mkdir(shared);
  await fs.chmod(shared, 0o777);
  const target = path.join(shared, 'out');
  await fs.mkdir(target);
  await fs.writeFile(path.join(target, 'report.json'), JSON.stringify({ tool: { name: 'vebi' } }));
  await fs.chmod(target, 0o755);
  const script = path.join(root, 'check-as-nobody.ts');
  await fs.writeFile(
    script,
    `import { checkOutputTarget } from ${JSON.stringify(path.resolve('src/engine/fs/output-target.ts'))};
void checkOutputTarget(${JSON.stringify(target)}, { kind: 'explanation' }).then(() => console.log('accepted'), (e: Error & { code?: string }) => console.log(e.code, e.message));
`,
  );
  await fs.chmod(script, 0o644);
  const result = runAsNobody(script, ['src/engine/fs/output-target.ts']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `OUTPUT_UNWRITABLE Cannot write ${target}: permission denied (EACCES). Choose a folder you can write to, or fix its permissions; nothing was written.\n`);
});
