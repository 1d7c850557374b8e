/**
 * Hand-written WebAssembly SIMD kernels (the .wat files here) running on the tfjs wasm module's own
 * memory: they read and write tensors where tfjs keeps them, no copies. Instantiated once per memory
 * (shared for the threaded module, plain for the single-threaded one); absent when that memory
 * cannot be found, and callers then keep their JavaScript path.
 */
import { MAX_POOL_GRAD_PLAIN, MAX_POOL_GRAD_SHARED } from './max-pool-grad-wasm';

// The project's type libraries leave out WebAssembly's JS API: the little used here, typed by hand.
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type MaxPoolGrad2x2 = (x: number, dy: number, dx: number, batch: number, height: number, width: number, channels: number, outHeight: number, outWidth: number) => void;

interface EmscriptenModuleLike {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

const instances = new WeakMap<WasmMemory, MaxPoolGrad2x2 | null>();

function memoryOf(module: EmscriptenModuleLike | undefined): WasmMemory | undefined {
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

/** The 2x2 / stride-2 max-pool gradient kernel bound to the backend's memory, if it can be. */
export function maxPoolGrad2x2For(backend: unknown): MaxPoolGrad2x2 | undefined {
  const memory = memoryOf((backend as { wasm?: EmscriptenModuleLike }).wasm);
  if (!memory) return undefined;
  let kernel = instances.get(memory);
  if (kernel === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Buffer.from(shared ? MAX_POOL_GRAD_SHARED : MAX_POOL_GRAD_PLAIN, 'base64');
      const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
      kernel = instance.exports.maxPoolGrad2x2 as MaxPoolGrad2x2;
    } catch {
      // No SIMD, or a memory this build cannot import: the JavaScript kernel serves.
      kernel = null;
    }
    instances.set(memory, kernel);
  }
  return kernel ?? undefined;
}
