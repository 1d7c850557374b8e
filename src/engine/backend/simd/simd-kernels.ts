/**
 * Hand-written WebAssembly SIMD kernels (the .wat files here) running on the tfjs wasm module's own
 * memory: they read and write tensors where tfjs keeps them, no copies. Instantiated once per memory
 * (shared for the threaded module, plain for the single-threaded one); absent when that memory
 * cannot be found, and callers then keep their JavaScript path.
 */
import { IM2COL_PLAIN, IM2COL_SHARED } from './im2col-wasm';
import { LEADING_SUM_PLAIN, LEADING_SUM_SHARED } from './leading-sum-wasm';
import { RELU6_GRAD_PLAIN, RELU6_GRAD_SHARED } from './relu6-grad-wasm';
import { CROSS_PRODUCT_PLAIN, CROSS_PRODUCT_SHARED } from './cross-product-wasm';
import { GRAM_CHUNK_PLAIN } from './gram-chunk-wasm';
import { MAX_POOL_GRAD_PLAIN, MAX_POOL_GRAD_SHARED } from './max-pool-grad-wasm';

// The project's type libraries leave out WebAssembly's JS API: the little used here, typed by hand.
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type MaxPoolGrad2x2 = (x: number, dy: number, dx: number, batch: number, height: number, width: number, channels: number, outHeight: number, outWidth: number) => void;
export type Im2colChannelsFirst = (
  src: number, dst: number, channels: number, batch: number, paddedHeight: number, paddedWidth: number,
  outHeight: number, outWidth: number, filterHeight: number, filterWidth: number, stride: number, dilation: number,
) => void;

export type SumLeadingAxes = (x: number, rows: number, channels: number, blockRows: number, partials: number) => void;
/** out[m x n] += a[m x k] b[k x n] (m a multiple of 4, n of 8), byte offsets. */
export type CrossProduct = (a: number, m: number, k: number, b: number, n: number, out: number) => void;
/** dx = dy where 0 < x <= 6, else 0; byte offsets, n values. */
export type Relu6Grad = (dy: number, x: number, dx: number, n: number) => void;

const KERNELS = {
  maxPoolGrad2x2: { shared: MAX_POOL_GRAD_SHARED, plain: MAX_POOL_GRAD_PLAIN },
  im2colChannelsFirst: { shared: IM2COL_SHARED, plain: IM2COL_PLAIN },
  sumLeadingAxes: { shared: LEADING_SUM_SHARED, plain: LEADING_SUM_PLAIN },
  crossProduct: { shared: CROSS_PRODUCT_SHARED, plain: CROSS_PRODUCT_PLAIN },
  relu6Grad: { shared: RELU6_GRAD_SHARED, plain: RELU6_GRAD_PLAIN },
} as const;
type KernelName = keyof typeof KERNELS;

interface EmscriptenModuleLike {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

const instances = new Map<KernelName, WeakMap<WasmMemory, unknown>>();

function memoryOf(module: EmscriptenModuleLike | undefined): WasmMemory | undefined {
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

/** Instantiates a base64 module importing `memory` and returns its export `name` (throws without SIMD). */
function exportOf(base64: string, memory: WasmMemory, name: string): unknown {
  return new wasmApi.Instance(new wasmApi.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports[name];
}

function kernelFor<T>(backend: unknown, name: KernelName): T | undefined {
  const memory = memoryOf((backend as { wasm?: EmscriptenModuleLike }).wasm);
  if (!memory) return undefined;
  let perMemory = instances.get(name);
  if (!perMemory) instances.set(name, (perMemory = new WeakMap()));
  let kernel = perMemory.get(memory);
  if (kernel === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      kernel = exportOf(shared ? KERNELS[name].shared : KERNELS[name].plain, memory, name);
    } catch {
      // No SIMD, or a memory this build cannot import: the caller's other path serves.
      kernel = null;
    }
    perMemory.set(memory, kernel);
  }
  return (kernel ?? undefined) as T | undefined;
}

/** The 2x2 / stride-2 max-pool gradient kernel bound to the backend's memory, if it can be. */
export function maxPoolGrad2x2For(backend: unknown): MaxPoolGrad2x2 | undefined {
  return kernelFor<MaxPoolGrad2x2>(backend, 'maxPoolGrad2x2');
}

/** im2col from a padded channels-first input, bound to the backend's memory, if it can be. */
export function im2colFor(backend: unknown): Im2colChannelsFirst | undefined {
  return kernelFor<Im2colChannelsFirst>(backend, 'im2colChannelsFirst');
}

/** Per-block sums over the leading axes (channels a multiple of 4), bound to the backend's memory, if it can be. */
export function sumLeadingAxesFor(backend: unknown): SumLeadingAxes | undefined {
  return kernelFor<SumLeadingAxes>(backend, 'sumLeadingAxes');
}

/** The small-output matrix product of filter gradients, bound to the backend's memory, if it can be. */
export function crossProductFor(backend: unknown): CrossProduct | undefined {
  return kernelFor<CrossProduct>(backend, 'crossProduct');
}

/** The one-pass ReLU6 gradient, bound to the backend's memory, if it can be. */
export function relu6GradFor(backend: unknown): Relu6Grad | undefined {
  return kernelFor<Relu6Grad>(backend, 'relu6Grad');
}

export type GramChunkUpper = (x: number, rows: number, paddedColumns: number, g: number) => void;

/** Bytes in a WebAssembly page. */
const PAGE_BYTES = 65536;

/**
 * The Gram chunk kernel (gram-chunk.wat) on a memory of its own of at least `bytes` bytes: it needs
 * no tfjs backend. Undefined where WebAssembly SIMD is missing (the caller uses another kernel).
 */
export function gramChunkKernel(bytes: number): { kernel: GramChunkUpper; buffer: ArrayBuffer } | undefined {
  try {
    const memory = new wasmApi.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
    return { kernel: exportOf(GRAM_CHUNK_PLAIN, memory, 'gramChunkUpper') as GramChunkUpper, buffer: memory.buffer as ArrayBuffer };
  } catch {
    return undefined;
  }
}
