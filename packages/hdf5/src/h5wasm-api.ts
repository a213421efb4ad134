import type * as H5 from 'h5wasm';
import type { FileGuard } from './h5wasm-guard.js';

/** The loaded h5wasm library: its high-level API, the emscripten module and its file guard. */
export interface H5Lib {
  h5wasm: typeof H5;
  Module: Awaited<typeof H5.ready>;
  /** Only files statekit grants open inside libhdf5 (see `h5wasm-guard.ts`). */
  guard: FileGuard;
}

/** A file h5wasm can open by path, and what to do when done with it. */
export interface LocalFile {
  path: string;
  /** Releases temporary copies (bytes sources, browser MEMFS) and the path's grant. */
  cleanup(): void;
}

/** How one build (Node or browser) of h5wasm is reached and fed files. */
export interface H5Platform {
  load(): Promise<H5Lib>;
  /**
   * Drops the loaded instance after a trap (libhdf5's `abort()`, a wasm memory fault leave it
   * unusable); the next `load` makes a fresh one where the platform can.
   */
  discard(): void;
  /** A path h5wasm can read `bytes`/`path` from. */
  readable(lib: H5Lib, source: { path?: string; bytes(): Promise<Uint8Array> }): Promise<LocalFile>;
  /** A path h5wasm can write to, and how to get the bytes back when the sink has no path. */
  writable(
    lib: H5Lib,
    sinkPath: string | undefined,
  ): { path: string; bytes(): Uint8Array; cleanup(): void };
}

/**
 * True when h5wasm trapped: emscripten's `abort()` and wasm faults (`memory access out of
 * bounds`) throw WebAssembly.RuntimeError, after which that instance must not be used again.
 */
export function isTrap(cause: unknown): boolean {
  return cause instanceof WebAssembly.RuntimeError;
}
