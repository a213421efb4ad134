/** h5wasm's Node build: files on disk are opened in place (NODERAWFS), never copied to the heap. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { H5Lib, H5Platform } from './h5wasm-api.js';
import { guardFiles } from './h5wasm-guard.js';

let loaded: Promise<H5Lib> | undefined;

function temp(name: string): string {
  return nodePath.join(
    os.tmpdir(),
    `statekit-h5-${process.pid}-${Math.random().toString(36).slice(2)}-${name}`,
  );
}

export const platform: H5Platform = {
  load() {
    loaded ??= (async () => {
      // The namespace, not the default export: only it has ExternalLink and BrokenSoftLink.
      const h5wasm = await import('h5wasm/node');
      const Module = await h5wasm.ready;
      // Without it HDF5 prints HDF5-DIAG to stderr and returns normally.
      Module.activate_throwing_error_handler();
      const guard = guardFiles(Module.FS as never, (p) => nodePath.resolve(p));
      return { h5wasm: h5wasm as unknown as H5Lib['h5wasm'], Module, guard };
    })();
    return loaded;
  },
  async readable(lib, source) {
    if (source.path !== undefined)
      return { path: source.path, cleanup: lib.guard.grant(source.path) };
    const path = temp('read.h5');
    fs.writeFileSync(path, await source.bytes());
    const release = lib.guard.grant(path);
    return {
      path,
      cleanup: () => {
        release();
        fs.rmSync(path, { force: true });
      },
    };
  },
  writable(lib, sinkPath) {
    const path = sinkPath ?? temp('write.h5');
    const release = lib.guard.grant(path);
    return {
      path,
      bytes: () => new Uint8Array(fs.readFileSync(path)),
      cleanup: () => {
        release();
        if (sinkPath === undefined) fs.rmSync(path, { force: true });
      },
    };
  },
};
