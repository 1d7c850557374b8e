// h5wasm exports its Node build under "h5wasm/node" (import condition only); this repo resolves
// types with moduleResolution "node", which ignores "exports", so point the subpath at its types.
declare module 'h5wasm/node' {
  export * from 'h5wasm';
}
