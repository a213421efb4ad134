/** Deflate, inflate and CRC-32 on `node:zlib`; same exports as `zlib-browser.ts`. */
import { constants } from 'node:buffer';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { StatekitError } from './errors.js';

/**
 * A plain Uint8Array view of a Buffer: Buffer#slice does not copy, unlike Uint8Array#slice,
 * so Buffers must not leak to callers that expect typed-array semantics.
 */
function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** CRC-32 (ZIP) of `data`, continuing from `previous`. */
export function crc32(data: Uint8Array, previous = 0): number {
  // Node 20 returns 0 for an empty view over an empty ArrayBuffer, dropping `previous`.
  if (data.byteLength === 0) return previous >>> 0;
  return zlib.crc32(data, previous);
}

/** Raw-deflates `data` (no zlib header), as ZIP method 8 stores it. */
export function deflateRaw(data: Uint8Array, level = 6): Uint8Array {
  return plain(zlib.deflateRawSync(data, { level }));
}

/**
 * Inflates raw deflate data that must expand to exactly `size` bytes; more or fewer is a
 * `corrupt` StatekitError (this is also the zip-bomb guard: output stops at `size` + 1).
 */
export function inflateRaw(data: Uint8Array, size: number): Uint8Array {
  checkOutputSize(size);
  let out: Uint8Array;
  try {
    out = plain(zlib.inflateRawSync(data, { maxOutputLength: Math.max(size + 1, 1) }));
  } catch (cause) {
    const tooBig = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new StatekitError(
      'corrupt',
      tooBig
        ? `deflate stream expands beyond the declared ${size} bytes`
        : `deflate stream is damaged: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (out.byteLength !== size) {
    throw new StatekitError(
      'corrupt',
      `deflate stream gives ${out.byteLength} bytes, expected ${size}`,
    );
  }
  return out;
}

/** The largest output one inflate call can make here (one Buffer). */
export const MAX_INFLATE_BYTES = constants.MAX_LENGTH - 1;

/** A declared size beyond one buffer is a `limit` (with the figures), not damage. */
function checkOutputSize(size: number): void {
  if (size > MAX_INFLATE_BYTES) {
    throw new StatekitError(
      'limit',
      `inflating ${size} bytes at once is beyond what one buffer holds here (${MAX_INFLATE_BYTES} bytes)`,
    );
  }
}

/** zlib-wraps (RFC 1950) `data`, as MAT-file miCOMPRESSED holds it. */
export function deflateZlib(data: Uint8Array, level = 6): Uint8Array {
  return plain(zlib.deflateSync(data, { level }));
}

/** Inflates zlib-wrapped data, refusing output beyond `maxSize` bytes. */
export function inflateZlib(data: Uint8Array, maxSize: number): Uint8Array {
  try {
    return plain(zlib.inflateSync(data, { maxOutputLength: maxSize }));
  } catch (cause) {
    throw new StatekitError('corrupt', `zlib stream is damaged: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Inflates the start of a raw deflate stream: returns whatever the first `inputBytes` of
 * compressed data decode to (at least the first bytes of the output, for reading headers
 * without inflating a whole member). Damaged data is a `corrupt` StatekitError.
 */
export function inflateRawPrefix(data: Uint8Array, inputBytes = 4096): Uint8Array {
  try {
    return plain(
      zlib.inflateRawSync(data.subarray(0, inputBytes), {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      }),
    );
  } catch (cause) {
    throw new StatekitError('corrupt', `deflate stream is damaged: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Inflates a raw deflate stream given in pieces, yielding the output as it comes (memory holds
 * a piece, not the whole): exactly `size` bytes, else a `corrupt` StatekitError, raised as soon
 * as the output runs past `size` (the zip-bomb guard). Errors of `input` pass through.
 */
export async function* inflateRawChunks(
  input: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  yield* transformChunks(input, zlib.createInflateRaw(), size);
}

/** Raw-deflates bytes given in pieces, yielding compressed pieces as they come. */
export async function* deflateRawChunks(
  input: AsyncIterable<Uint8Array>,
  level = 6,
): AsyncGenerator<Uint8Array> {
  yield* transformChunks(input, zlib.createDeflateRaw({ level }));
}

async function* transformChunks(
  input: AsyncIterable<Uint8Array>,
  stream: zlib.InflateRaw | zlib.DeflateRaw,
  size?: number,
): AsyncGenerator<Uint8Array> {
  // The pipeline feeds `stream` as it is read (backpressure); its failure is rethrown below.
  const fed = pipeline(Readable.from(input, { objectMode: false }), stream);
  fed.catch(() => {});
  let done = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      done += chunk.byteLength;
      if (size !== undefined && done > size) {
        throw new StatekitError(
          'corrupt',
          `deflate stream expands beyond the declared ${size} bytes`,
        );
      }
      yield plain(chunk);
    }
    await fed;
  } catch (cause) {
    if (cause instanceof StatekitError) throw cause;
    throw new StatekitError('corrupt', `deflate stream is damaged: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    stream.destroy();
  }
  if (size !== undefined && done !== size) {
    throw new StatekitError('corrupt', `deflate stream gives ${done} bytes, expected ${size}`);
  }
}
