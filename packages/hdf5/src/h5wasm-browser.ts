/** h5wasm's browser build: files live in emscripten's in-memory file system (MEMFS). */
import type { H5Lib, H5Platform } from './h5wasm-api.js';
import { guardFiles, resolvePosix } from './h5wasm-guard.js';

let loaded: Promise<H5Lib> | undefined;
let counter = 0;

export const platform: H5Platform = {
  load() {
    loaded ??= (async () => {
      const h5wasm = await import('h5wasm');
      const Module = await h5wasm.ready;
      Module.activate_throwing_error_handler();
      const FS = Module.FS as unknown as { cwd(): string };
      const guard = guardFiles(Module.FS as never, (p) => resolvePosix(FS.cwd(), p));
      return { h5wasm, Module, guard };
    })();
    return loaded;
  },
  discard() {
    // One bundled instance: a browser page keeps it (and reloads to recover).
  },
  async readable(lib, source) {
    const path = `/statekit-read-${counter++}.h5`;
    const release = lib.guard.grant(path);
    lib.Module.FS.writeFile(path, await source.bytes());
    return {
      path,
      cleanup: () => {
        lib.Module.FS.unlink(path);
        release();
      },
    };
  },
  writable(lib) {
    const path = `/statekit-write-${counter++}.h5`;
    const release = lib.guard.grant(path);
    return {
      path,
      bytes: () => lib.Module.FS.readFile(path),
      cleanup: () => {
        if (lib.Module.FS.analyzePath(path).exists) lib.Module.FS.unlink(path);
        release();
      },
    };
  },
};
