/**
 * Multi-threaded wasm in Node. tfjs-backend-wasm 4.22 ships a pthreads + SIMD build (XNNPACK with a
 * thread pool) but switches it off in Node (tfjs issue 3830) because, there, it cannot start:
 *  1. Emscripten creates each pthread worker from a `blob:` URL, which Node's Worker refuses
 *     (ERR_WORKER_PATH). We hand Node the same worker script as code (`eval: true`).
 *  2. The worker then loads the main script from a Blob it cannot read synchronously. We point it at
 *     the identical factory file shipped in the package (copied next to the bundle by the build).
 *  3. XNNPACK sizes its pool from os.cpus().length / 2 (it assumes hyper-threading), capped at 4, so a
 *     2-core machine gets one thread. We report twice the wanted count while the module starts.
 * Results are bit-identical to one thread (XNNPACK splits output tiles, never a reduction). If the
 * threaded start fails, or takes more than START_TIMEOUT_MS, the caller falls back to one thread.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';

const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';
const FACTORY_FILE = 'tfjs-backend-wasm-threaded-simd.js';
const BINARY_FILE = 'tfjs-backend-wasm-threaded-simd.wasm';
/** What the stock worker does with the main script's Blob (the one line we replace). */
const BLOB_IMPORT = 'var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)';
/** XNNPACK's own cap in tfjs-backend-wasm (backend.cc, max_num_threads). */
export const MAX_WASM_THREADS = 4;
const START_TIMEOUT_MS = 30_000;

const runtimeRequire = createRequire(__filename);
// The real module object (an `import * as` namespace may be a copy): tfjs calls its cpus() at start.
const os = runtimeRequire('node:os') as typeof import('node:os');
/** tfjs-backend-wasm's registration priority for 'wasm'. */
const WASM_PRIORITY = 2;

/** Threads to use: VEBI_WASM_THREADS if set (1 turns threads off), else every core, at most 4. */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.VEBI_WASM_THREADS);
  const wanted = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism();
  return Math.max(1, Math.min(MAX_WASM_THREADS, wanted));
}

/** The folder holding the worker script and factory: next to the bundle, else the package's wasm-out. */
function findThreadFiles(binaryDir: string): { dir: string } | { reason: string } {
  const candidates = [binaryDir, __dirname];
  try {
    candidates.push(path.join(path.dirname(runtimeRequire.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out'));
  } catch {
    // Bundled without the package: only the copies next to the bundle can serve.
  }
  const dir = candidates.find((d) => [WORKER_FILE, FACTORY_FILE].every((f) => fs.existsSync(path.join(d, f))));
  if (!dir) return { reason: `${WORKER_FILE} and ${FACTORY_FILE} are in none of ${candidates.join(', ')}` };
  if (!fs.existsSync(path.join(binaryDir, BINARY_FILE))) return { reason: `${BINARY_FILE} is not in ${binaryDir}` };
  return { dir };
}

function patchedWorkerSource(dir: string): string | undefined {
  const stock = (runtimeRequire(path.join(dir, WORKER_FILE)) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof stock !== 'string' || !stock.includes(BLOB_IMPORT)) return undefined;
  // The stock script is a template literal whose "\n" escapes became newlines; tfjs re-escapes them too.
  return stock.replace(/\n/g, '\\n').replace(BLOB_IMPORT, `importScripts(${JSON.stringify(path.join(dir, FACTORY_FILE))})`);
}

/** Makes `new Worker(blob:...)`, as Emscripten calls it, start the patched script instead. */
function installWorkerShim(source: string): void {
  class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      const fromBlob = String(url).startsWith('blob:');
      super(fromBlob ? source : url, fromBlob ? { ...options, eval: true } : options);
    }
  }
  // Emscripten assigns global.Worker = worker_threads.Worker as it starts; the setter keeps ours.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
}

/**
 * Prepares the threaded start; the caller then initialises the wasm backend inside
 * `withReportedCores`. Returns why not when the files or the patch point are missing.
 */
export function prepareWasmThreads(binaryDir: string): { ok: true } | { ok: false; reason: string } {
  const files = findThreadFiles(binaryDir);
  if ('reason' in files) return { ok: false, reason: files.reason };
  const source = patchedWorkerSource(files.dir);
  if (!source) return { ok: false, reason: `${WORKER_FILE} is not the tfjs 4.22 worker this shim patches` };
  installWorkerShim(source);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return { ok: true };
}

/** Runs `start` while os.cpus() reports 2 x threads logical cores (XNNPACK halves the count). */
export async function withReportedCores<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const cores = real();
  const reported = Array.from({ length: 2 * threads }, (_, i) => cores[i % Math.max(1, cores.length)]);
  os.cpus = () => reported;
  try {
    return await withTimeout(start(), START_TIMEOUT_MS);
  } finally {
    os.cpus = real;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the threaded WebAssembly module did not start within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Back to the single-threaded module: the next tf.setBackend('wasm') starts it afresh. */
export function disableWasmThreads(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const factory = tf.findBackendFactory('wasm');
  if (!factory) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
}

/**
 * After the start: Emscripten refs the workers running XNNPACK's pool threads, which would keep a
 * finished process alive for ever (those threads never end), so they are unref'd; and it keeps a
 * pool of 8 spare workers (about 8 MB each) for threads nobody creates later (XNNPACK makes its
 * pool once, at start), so the spares are ended.
 */
export function settleThreadWorkers(): void {
  const wasm = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers?: NodeWorker[]; unusedWorkers?: NodeWorker[] } } }).wasm;
  const pthreads = wasm?.PThread;
  if (!pthreads) return;
  for (const worker of pthreads.runningWorkers ?? []) worker.unref();
  const spare = pthreads.unusedWorkers ?? [];
  pthreads.unusedWorkers = [];
  for (const worker of spare) void worker.terminate();
}
