/**
 * Picks the tfjs backend at run time. 'auto': tfjs-node ('tensorflow') when it loads, else wasm
 * (SIMD, with a thread per core up to 4: see wasm-threads.ts), else cpu. An explicit choice gets that backend or a
 * BACKEND_UNAVAILABLE error that says why and what to do.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { VebiError } from '../../shared/errors';
import type { BackendChoice, BackendName } from '../../shared/params';
import { registerWasmGradientKernels } from './wasm-grad-kernels';
import { disableWasmThreads, prepareWasmThreads, settleThreadWorkers, wantedWasmThreads, withReportedCores } from './wasm-threads';

export interface BackendDescription {
  name: string;
  simd?: boolean;
  /** XNNPACK threads (1 = single-threaded). */
  threads?: number;
  /** Why the wasm backend runs on one thread when more were wanted. */
  threadsNote?: string;
}

const TFJS_NODE = '@tensorflow/tfjs-node';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const WASM_FILE = /^tfjs-backend-wasm.*\.wasm$/;

type Attempt = { ok: true } | { ok: false; reason: string };

// A runtime require that bundlers leave alone: tfjs-node is an optional native package, often absent,
// and the wasm package is looked up on disk only when the .wasm files are not next to this code.
const runtimeRequire = createRequire(__filename);

let tfjsNodeAttempt: Attempt | undefined;
let wasmDirAttempt: { dir: string } | { reason: string } | undefined;
let wasmFlags: { simd: boolean; threads: number; threadsNote?: string } | undefined;

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Loads tfjs-node once; it registers the 'tensorflow' backend on the shared engine as a side effect. */
function loadTfjsNode(): Attempt {
  if (tfjsNodeAttempt) return tfjsNodeAttempt;
  try {
    runtimeRequire(TFJS_NODE);
    tfjsNodeAttempt = tf.findBackendFactory('tensorflow') ? { ok: true } : { ok: false, reason: `${TFJS_NODE} loaded but registered no 'tensorflow' backend` };
  } catch (error) {
    tfjsNodeAttempt = { ok: false, reason: reasonOf(error) };
  }
  return tfjsNodeAttempt;
}

function hasWasmBinaries(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => WASM_FILE.test(name));
  } catch {
    return false;
  }
}

/** Where the .wasm files are: next to this code (the esbuild bundle in dist/), else the package's dist. */
function findWasmDir(): { dir: string } | { reason: string } {
  if (hasWasmBinaries(__dirname)) return { dir: __dirname };
  try {
    const packageDir = path.dirname(runtimeRequire.resolve(WASM_PACKAGE));
    if (hasWasmBinaries(packageDir)) return { dir: packageDir };
    return { reason: `no tfjs-backend-wasm*.wasm in ${__dirname} or ${packageDir}` };
  } catch (error) {
    return { reason: `no tfjs-backend-wasm*.wasm in ${__dirname}, and ${WASM_PACKAGE} is not resolvable (${reasonOf(error)})` };
  }
}

/** setWasmPaths must run before the wasm backend first initialises; later calls would be ignored. */
function prepareWasm(): { ok: true; dir: string } | { ok: false; reason: string } {
  if (!wasmDirAttempt) {
    wasmDirAttempt = findWasmDir();
    if ('dir' in wasmDirAttempt) {
      const prefix = wasmDirAttempt.dir.endsWith(path.sep) ? wasmDirAttempt.dir : wasmDirAttempt.dir + path.sep;
      setWasmPaths(prefix);
    }
  }
  if ('reason' in wasmDirAttempt) return { ok: false, reason: wasmDirAttempt.reason };
  // Before the backend is selected, so training and input gradients never hit a missing kernel.
  registerWasmGradientKernels();
  return { ok: true, dir: wasmDirAttempt.dir };
}

async function trySetBackend(name: BackendName): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function recordWasmFlags(threadsNote: string | undefined): Promise<void> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  wasmFlags = { simd, threads: getThreadsCount(), ...(threadsNote ? { threadsNote } : {}) };
}

/** The threaded module first; on any failure, the single-threaded one (same results, slower). */
async function startWasm(dir: string): Promise<{ ok: boolean; threadsNote?: string }> {
  // Started before in this process (threaded or not): reuse it.
  if (tf.findBackend('wasm')) return { ok: await trySetBackend('wasm'), threadsNote: wasmFlags?.threadsNote };
  const wanted = wantedWasmThreads();
  if (wanted < 2) return { ok: await trySetBackend('wasm') };
  const prepared = prepareWasmThreads(dir);
  if (!prepared.ok) return { ok: await trySetBackend('wasm'), threadsNote: prepared.reason };
  let failure: string;
  try {
    if (await withReportedCores(wanted, () => trySetBackend('wasm'))) {
      settleThreadWorkers();
      return { ok: true };
    }
    failure = 'the threaded WebAssembly module failed to initialise';
  } catch (error) {
    failure = reasonOf(error);
  }
  disableWasmThreads();
  return { ok: await trySetBackend('wasm'), threadsNote: failure };
}

async function useTensorflow(): Promise<Attempt> {
  const loaded = loadTfjsNode();
  if (!loaded.ok) return loaded;
  return (await trySetBackend('tensorflow')) ? { ok: true } : { ok: false, reason: `${TFJS_NODE} loaded but its backend failed to initialise` };
}

async function useWasm(): Promise<Attempt> {
  const prepared = prepareWasm();
  if (!prepared.ok) return prepared;
  const started = await startWasm(prepared.dir);
  if (!started.ok) return { ok: false, reason: 'the WebAssembly module failed to initialise' };
  await recordWasmFlags(started.threadsNote);
  return { ok: true };
}

function unavailable(name: BackendName, reason: string): VebiError {
  const advice: Record<BackendName, string> = {
    tensorflow:
      `Install it with \`npm install ${TFJS_NODE}@4.22.0\` (its install step downloads libtensorflow, so it needs ` +
      'access to storage.googleapis.com), or choose the backend "auto", "wasm" or "cpu".',
    wasm: `Make sure the tfjs-backend-wasm*.wasm files ship next to the bundle or in ${WASM_PACKAGE}/dist, or choose the backend "cpu".`,
    cpu: 'The cpu backend is part of @tensorflow/tfjs; reinstall the dependencies.',
  };
  return new VebiError('BACKEND_UNAVAILABLE', `The "${name}" TensorFlow.js backend is unavailable: ${reason}. ${advice[name]}`);
}

// Selections run one after another: the engine process runs several jobs at once (an Interpret
// replaced by another, an inspect during a run), and two starts of the WebAssembly module at once
// leave one job on a module that is not initialised (or hang).
let selecting: Promise<unknown> = Promise.resolve();

/** Puts tfjs on the chosen backend and returns its name. Calling it again is cheap and harmless. */
export function selectBackend(choice: BackendChoice): Promise<BackendName> {
  const selected = selecting.then(() => chooseBackend(choice));
  selecting = selected.catch(() => undefined);
  return selected;
}

async function chooseBackend(choice: BackendChoice): Promise<BackendName> {
  if (choice === 'auto') {
    if ((await useTensorflow()).ok) return 'tensorflow';
    if ((await useWasm()).ok) return 'wasm';
    if (await trySetBackend('cpu')) return 'cpu';
    throw new VebiError('BACKEND_UNAVAILABLE', 'No TensorFlow.js backend could start (tried tensorflow, wasm, cpu). Reinstall the dependencies.');
  }
  if (choice === 'tensorflow' || choice === 'wasm') {
    const attempt = choice === 'tensorflow' ? await useTensorflow() : await useWasm();
    if (!attempt.ok) throw unavailable(choice, attempt.reason);
    return choice;
  }
  if (!(await trySetBackend('cpu'))) throw unavailable('cpu', 'tf.setBackend("cpu") failed');
  return 'cpu';
}

/** The active backend, for reports: wasm adds whether SIMD and threads are in use. */
export function describeBackend(): BackendDescription {
  const name = tf.getBackend();
  if (name === 'wasm' && wasmFlags) return { name, ...wasmFlags };
  return { name };
}
