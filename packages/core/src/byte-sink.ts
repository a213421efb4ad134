import { concatBytes } from './concat-bytes.js';

/**
 * Where a writer puts its bytes, in order. A sink is committed by `close()` (for files: fsync
 * and atomic rename) or discarded by `abort()` (no partial file is left behind).
 */
export interface ByteSink {
  readonly name: string;
  /**
   * The file on disk the bytes go to before commit (an atomic sink's temporary file), when
   * there is one: a codec whose library writes files by path (h5wasm) may write it there
   * directly instead of calling `write`, and `close()` then commits it as usual.
   */
  readonly path?: string;
  /** Appends bytes. The sink may keep a reference until the returned promise settles. */
  write(chunk: Uint8Array): Promise<void> | void;
  /**
   * Overwrites bytes already written, at `offset` (formats whose header points to what comes
   * after it: HDF5's superblock). Sinks that cannot seek leave it out.
   */
  patch?(offset: number, bytes: Uint8Array): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A sink that collects bytes in memory; `bytes()` returns them after `close()`. */
export interface MemorySink extends ByteSink {
  bytes(): Uint8Array;
}

/** Makes a {@link MemorySink}. */
export function memorySink(name = '<memory>'): MemorySink {
  let chunks: Uint8Array[] = [];
  let written = 0;
  let patches: [number, Uint8Array][] = [];
  let result: Uint8Array | undefined;
  return {
    name,
    write(chunk) {
      chunks.push(chunk.slice());
      written += chunk.byteLength;
    },
    patch(offset, bytes) {
      if (offset < 0 || offset + bytes.byteLength > written) {
        throw new RangeError(`memorySink: patch ${offset}+${bytes.byteLength} past ${written}`);
      }
      patches.push([offset, bytes.slice()]);
    },
    async close() {
      result = concatBytes(chunks);
      for (const [offset, bytes] of patches) result.set(bytes, offset);
      chunks = [];
      patches = [];
    },
    async abort() {
      chunks = [];
      patches = [];
      result = undefined;
    },
    bytes() {
      if (!result) throw new Error('memorySink: bytes() before close()');
      return result;
    },
  };
}
