import { StatekitError } from './errors.js';

/**
 * Random-access bytes: a file, a Blob, or bytes in memory. `read` returns exactly `length`
 * bytes or throws a `corrupt` StatekitError when the source ends first. Returned arrays may be
 * views onto shared buffers: copy before keeping them if the source is to be reused.
 */
export interface ByteSource {
  /** Shown in error messages (a path, a URL, a file name). */
  readonly name: string;
  readonly size: number;
  /**
   * The file on disk behind this source, when there is one: codecs whose library opens files
   * by path (h5wasm) use it instead of copying the bytes.
   */
  readonly path?: string;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases file handles; reading after close is an error. */
  close(): Promise<void>;
}

/** Checks that [offset, offset + length) lies in a source of `size` bytes. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new StatekitError('corrupt', `invalid byte range ${offset}+${length}`, { file: name });
  }
  if (offset + length > size) {
    throw new StatekitError(
      'corrupt',
      `truncated: needs bytes ${offset}..${offset + length}, but the file has ${size}`,
      { file: name },
    );
  }
}

/** A source over bytes in memory; reads are zero-copy views. */
export function bytesSource(bytes: Uint8Array, name = '<bytes>'): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(name, bytes.byteLength, offset, length);
      return bytes.subarray(offset, offset + length);
    },
    async close() {},
  };
}

/** A source over a Blob or File (browsers, Node 20). */
export function blobSource(
  blob: Blob,
  name = (blob as { name?: string }).name ?? '<blob>',
): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
    async close() {},
  };
}

/** Anything statekit accepts where it reads: a source, bytes, or a Blob. */
export type SourceLike = ByteSource | Uint8Array | Blob;

/** Turns bytes or a Blob into a {@link ByteSource}; passes sources through. */
export function toSource(input: SourceLike, name?: string): ByteSource {
  if (input instanceof Uint8Array) return bytesSource(input, name);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input, name);
  return input as ByteSource;
}
