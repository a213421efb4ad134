/** h5wasm's Node build: files on disk are opened in place (NODERAWFS), never copied to the heap. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { H5Lib, H5Platform } from './h5wasm-api.js';
import { guardFiles } from './h5wasm-guard.js';

let loaded: Promise<H5Lib> | undefined;
/** How many h5wasm instances were dropped after a trap: the next one is imported afresh. */
let generation = 0;

/**
 * Imports h5wasm with its prints captured: emscripten binds `console.log`/`console.error` while
 * the module is instantiated, so wrappers installed until it is ready receive everything h5wasm
 * prints later (`Aborted(...)`, UTF-8 warnings), and the user's stdout (`ls --json`) and stderr
 * stay clean. `STATEKIT_H5WASM_STDERR=1` passes them on, for debugging.
 */
async function importQuietly(url: string): Promise<H5Lib['h5wasm']> {
  const { log, error } = console;
  const sink = (...args: unknown[]): void => {
    if (process.env.STATEKIT_H5WASM_STDERR) error('h5wasm:', ...args);
  };
  console.log = sink;
  console.error = sink;
  try {
    const h5wasm = (await import(url)) as H5Lib['h5wasm'];
    await h5wasm.ready; // emscripten binds the console during instantiation, after an await
    return h5wasm;
  } finally {
    console.log = log;
    console.error = error;
  }
}

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
      // A new URL (?generation=N) is a new module instance: a fresh wasm heap after a trap.
      const url = import.meta.resolve('h5wasm/node');
      const h5wasm = await importQuietly(generation ? `${url}?generation=${generation}` : url);
      const Module = await h5wasm.ready;
      // Without it HDF5 prints HDF5-DIAG to stderr and returns normally.
      Module.activate_throwing_error_handler();
      const guard = guardFiles(Module.FS as never, (p) => nodePath.resolve(p));
      return { h5wasm, Module, guard };
    })();
    return loaded;
  },
  discard() {
    loaded = undefined;
    generation++;
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
