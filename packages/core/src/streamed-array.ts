import type { ByteSource } from './byte-source.js';
import type { DType } from './dtype.js';
import { StatekitError, withContext } from './errors.js';
import { checkArrayBytes, DEFAULT_LIMITS } from './limits.js';
import { elementCount, formatShape, type NdArray, ndarray, viewAs } from './ndarray.js';

/** Slice size when a consumer does not ask for one: bounded, yet large enough to be fast. */
export const SLICE_BYTES = 16 << 20;

/** Where a {@link StreamedArray} comes from (for its errors), and whether it is a numpy scalar. */
export interface StreamedArrayOptions {
  scalar?: boolean | undefined;
  /** The file it is read from: named in its errors. */
  file?: string | undefined;
  /** Its key: named in its errors. */
  key?: string | undefined;
}

/**
 * An array read in slices instead of held whole: what readers yield for arrays above
 * `ReadOptions.streamAbove`, so hashing and converting a 16 GiB member needs one slice of
 * memory, not 16 GiB. Its bytes are the array's logical little-endian C-order bytes (as
 * {@link NdArray}'s), in slices of whole elements. `load()` makes it an {@link NdArray}
 * within `limits.maxArrayBytes`. It reads from its file: use it before the reader closes.
 */
export class StreamedArray<D extends DType = DType> {
  readonly shape: readonly number[];

  constructor(
    readonly dtype: D,
    shape: readonly number[],
    /** Bytes per element (the fixed width for `str` and `bytes`, as {@link NdArray}'s). */
    readonly itemSize: number,
    /** The reader's bytes in any chunking; each pass starts from the beginning. */
    private readonly chunks: () => AsyncIterable<Uint8Array>,
    options: StreamedArrayOptions = {},
  ) {
    this.shape = [...shape];
    this.scalar = options.scalar ?? false;
    this.context = options;
  }

  /** A numpy scalar (see {@link NdArray.scalar}). */
  readonly scalar: boolean;
  private readonly context: StreamedArrayOptions;

  /** Bytes of data: elements times item size. */
  get byteLength(): number {
    return elementCount(this.shape) * this.itemSize;
  }

  /**
   * The bytes in order, in slices of whole elements of at most `sliceBytes` (at least one
   * element). A source that ends early or runs long is a `corrupt` StatekitError.
   */
  async *slices(sliceBytes = SLICE_BYTES): AsyncGenerator<Uint8Array> {
    let seen = 0;
    const total = this.byteLength;
    try {
      for await (const slice of wholeSlices(this.chunks(), this.itemSize, sliceBytes)) {
        seen += slice.byteLength;
        if (seen > total) break;
        yield slice;
      }
      if (seen !== total) {
        throw new StatekitError(
          'corrupt',
          `${this.dtype} array ${formatShape(this.shape)} has ${seen > total ? 'more' : 'fewer'} than its ${total} bytes of data`,
        );
      }
    } catch (error) {
      throw withContext(error, this.context.file, this.context.key);
    }
  }

  /**
   * The same array, calling `onBytes` with each slice's size as it is consumed: for progress
   * by bytes through a single large array.
   */
  observed(onBytes: (bytes: number) => void): StreamedArray<D> {
    const source = this;
    return new StreamedArray(
      this.dtype,
      this.shape,
      this.itemSize,
      async function* () {
        for await (const slice of source.slices()) {
          yield slice;
          onBytes(slice.byteLength);
        }
      },
      { ...this.context, scalar: this.scalar },
    );
  }

  /** The whole array in memory, after checking its size against `maxBytes`. */
  async load(maxBytes = DEFAULT_LIMITS.maxArrayBytes): Promise<NdArray<D>> {
    try {
      checkArrayBytes(this.byteLength, maxBytes);
    } catch (error) {
      throw withContext(error, this.context.file, this.context.key);
    }
    const bytes = new Uint8Array(this.byteLength);
    let at = 0;
    for await (const slice of this.slices()) {
      bytes.set(slice, at);
      at += slice.byteLength;
    }
    const array = ndarray(this.dtype, this.shape, viewAs(this.dtype, bytes), this.itemSize);
    return this.scalar ? { ...array, scalar: true } : array;
  }
}

/**
 * Regroups `chunks` into slices of whole `unit`-byte elements of at most `maxBytes` (at least
 * one element): what byte swapping and typed views need. Any remainder at the end is yielded
 * as it is, for the caller's length check to report.
 */
export async function* wholeSlices(
  chunks: AsyncIterable<Uint8Array>,
  unit: number,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  const size = Math.max(unit, maxBytes - (maxBytes % Math.max(unit, 1)));
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (let chunk of chunks) {
    // A chunk that already is a whole slice passes through without a copy.
    if (filled === 0 && chunk.byteLength === size) {
      yield chunk;
      continue;
    }
    while (chunk.byteLength > 0) {
      const n = Math.min(size - filled, chunk.byteLength);
      buffer.set(chunk.subarray(0, n), filled);
      filled += n;
      chunk = chunk.subarray(n);
      if (filled === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** Bytes [offset, offset + length) of `source`, read in pieces of at most `pieceBytes`. */
export async function* sourceSlices(
  source: ByteSource,
  offset: number,
  length: number,
  pieceBytes = SLICE_BYTES,
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < length; at += pieceBytes) {
    yield await source.read(offset + at, Math.min(pieceBytes, length - at));
  }
}
