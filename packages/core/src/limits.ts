import { StatekitError } from './errors.js';

/**
 * Safety limits for decoding untrusted files. Each codec takes a `limits` option to change
 * them; exceeding one is a `limit` StatekitError that names the limit.
 */
export interface Limits {
  /** Largest format header (NPY dict, ...) in bytes. numpy's own default is 10,000. */
  maxHeaderBytes: number;
  /** Largest number of array dimensions. */
  maxRank: number;
  /** Largest number of entries in one file. */
  maxEntries: number;
  /** Largest decompressed size of one member in bytes. */
  maxDecompressedBytes: number;
  /** Largest ZIP central directory (or other index) in bytes. */
  maxIndexBytes: number;
  /**
   * Largest array loaded whole, in bytes. Larger ones are a `limit` error unless read in
   * slices (`ReadOptions.streamAbove`, as `statekit ls` and `convert` do) or the limit raised.
   */
  maxArrayBytes: number;
  /** Deepest nesting of containers in a tree format (pickle, msgpack): deeper is refused. */
  maxDepth: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxHeaderBytes: 10_000,
  maxRank: 64,
  maxEntries: 10_000_000,
  maxDecompressedBytes: 2 ** 53 - 1,
  maxIndexBytes: 1 << 30,
  maxArrayBytes: 2 ** 31,
  maxDepth: 512,
});

/** Merges user limits over the defaults. */
export function limitsWith(overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** Throws a `limit` StatekitError when an array of `bytes` is over `maxArrayBytes`. */
export function checkArrayBytes(bytes: number, maxArrayBytes: number): void {
  if (bytes > maxArrayBytes) {
    throw new StatekitError(
      'limit',
      `the array holds ${bytes} bytes, over limits.maxArrayBytes (${maxArrayBytes}): raise the limit to load it whole, or read it in slices (streamAbove)`,
    );
  }
}
