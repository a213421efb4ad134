/** h5wasm's browser build: files live in emscripten's in-memory file system (MEMFS). */
import type { H5Lib, H5Platform } from './h5wasm-api.js';

let loaded: Promise<H5Lib> | undefined;
let counter = 0;

export const platform: H5Platform = {
  load() {
    loaded ??= (async () => {
      const h5wasm = await import('h5wasm');
      const Module = await h5wasm.ready;
      Module.activate_throwing_error_handler();
      return { h5wasm, Module };
    })();
    return loaded;
  },
  async readable(lib, source) {
    const path = `/statekit-read-${counter++}.h5`;
    lib.Module.FS.writeFile(path, await source.bytes());
    return { path, cleanup: () => lib.Module.FS.unlink(path) };
  },
  writable(lib) {
    const path = `/statekit-write-${counter++}.h5`;
    return {
      path,
      bytes: () => lib.Module.FS.readFile(path),
      cleanup: () => lib.Module.FS.unlink(path),
    };
  },
};
