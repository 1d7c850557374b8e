/**
 * Opens HDF5 bytes with h5wasm (HDF5 compiled to WebAssembly, no native parts). h5wasm reads from
 * its own in-memory file system, so the bytes are written there and removed once read.
 */
import { randomUUID } from 'node:crypto';
import type * as H5 from 'h5wasm';
import { VebiError, isVebiError } from '../../../shared/errors';

export type H5Lib = typeof H5;

let lib: Promise<H5Lib> | undefined;

/** Loads h5wasm once (an ES module: it can only be reached by a dynamic import from CommonJS). */
export function h5wasm(): Promise<H5Lib> {
  lib ??= import('h5wasm/node').then(async (mod: H5Lib) => {
    await mod.ready;
    // HDF5 errors become thrown JS errors instead of diagnostics printed to stderr.
    mod.Module.activate_throwing_error_handler();
    return mod;
  });
  return lib;
}

/** The gist of an HDF5 error stack: its first entry's description (the whole message runs to many lines). */
function hdf5Detail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = /#000:.*?\):\s*(.+)/.exec(message);
  return (first ? first[1] : message.split('\n')[0]).trim();
}

/** Runs `read` on the HDF5 file held in `bytes` and waits for it, then closes and frees the file. */
export async function withHdf5<T>(bytes: Uint8Array, file: string, read: (h5: H5Lib, root: H5.File) => T | Promise<T>): Promise<T> {
  const h5 = await h5wasm();
  const fs = h5.FS;
  if (!fs) throw new VebiError('INTERNAL', 'h5wasm did not start its file system.', file);
  const name = `/vebi-${randomUUID()}.h5`;
  fs.writeFile(name, bytes);
  let root: H5.File | undefined;
  try {
    try {
      root = new h5.File(name, 'r');
      return await read(h5, root);
    } catch (err) {
      if (isVebiError(err)) throw err;
      throw new VebiError('MODEL_CORRUPT', `${file} does not hold a readable HDF5 file (${hdf5Detail(err)}). The file is damaged or truncated: save the model again.`, file);
    }
  } finally {
    root?.close();
    fs.unlink(name);
  }
}
