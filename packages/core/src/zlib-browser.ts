/**
 * Deflate, inflate and CRC-32 for browsers (fflate). The Node build (`zlib-node.ts`) has the
 * same exports on `node:zlib`, which is 3-20x faster; `@statekit/core/zlib` picks one by
 * export condition.
 */
import { Deflate, deflateSync, Inflate, inflateSync, unzlibSync, zlibSync } from 'fflate';
import { concatBytes } from './concat-bytes.js';
import { StatekitError } from './errors.js';

let table: Uint32Array | undefined;

/** CRC-32 (ZIP) of `data`, continuing from `previous`. */
export function crc32(data: Uint8Array, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~previous;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Raw-deflates `data` (no zlib header), as ZIP method 8 stores it. */
export function deflateRaw(data: Uint8Array, level = 6): Uint8Array {
  return deflateSync(data, { level: level as 6 });
}

/**
 * Inflates raw deflate data that must expand to exactly `size` bytes; more or fewer is a
 * `corrupt` StatekitError (this is also the zip-bomb guard).
 */
export function inflateRaw(data: Uint8Array, size: number): Uint8Array {
  checkOutputSize(size);
  let out: Uint8Array;
  try {
    // One byte of headroom: fflate stops silently at the end of `out`, so a stream longer
    // than declared shows up only as output that fills it.
    out = inflateSync(data, { out: new Uint8Array(size + 1) });
  } catch (cause) {
    throw new StatekitError('corrupt', `deflate stream is damaged: ${String(cause)}`, { cause });
  }
  if (out.byteLength !== size) {
    throw new StatekitError(
      'corrupt',
      `deflate stream gives ${out.byteLength} bytes, expected ${size}`,
    );
  }
  return out;
}

/** The largest output one inflate call makes here (typed arrays stop near 4 GiB in browsers). */
export const MAX_INFLATE_BYTES = 2 ** 32 - 2;

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
  return zlibSync(data, { level: level as 6 });
}

/** Inflates zlib-wrapped data, refusing output beyond `maxSize` bytes. */
export function inflateZlib(data: Uint8Array, maxSize: number): Uint8Array {
  try {
    const out = unzlibSync(data);
    if (out.byteLength > maxSize) throw new Error(`more than ${maxSize} bytes`);
    return out;
  } catch (cause) {
    throw new StatekitError('corrupt', `zlib stream is damaged: ${String(cause)}`, { cause });
  }
}

/**
 * Inflates the start of a raw deflate stream: returns whatever the first `inputBytes` of
 * compressed data decode to (at least the first bytes of the output, for reading headers
 * without inflating a whole member). Damaged data is a `corrupt` StatekitError.
 */
export function inflateRawPrefix(data: Uint8Array, inputBytes = 4096): Uint8Array {
  const parts: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => {
    parts.push(chunk);
  });
  try {
    inflater.push(data.subarray(0, inputBytes), inputBytes >= data.byteLength);
  } catch (cause) {
    throw new StatekitError('corrupt', `deflate stream is damaged: ${String(cause)}`, { cause });
  }
  return concatBytes(parts);
}

/** Compressed bytes per fflate push when inflating in pieces (at most ~64 MiB of output). */
const INFLATE_PUSH_BYTES = 1 << 16;

/**
 * Inflates a raw deflate stream given in pieces, yielding the output as it comes (memory holds
 * a piece, not the whole): exactly `size` bytes, else a `corrupt` StatekitError, raised as soon
 * as the output runs past `size` (the zip-bomb guard). Errors of `input` pass through.
 */
export async function* inflateRawChunks(
  input: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => {
    out.push(chunk);
  });
  let done = 0;
  const drain = function* (): Generator<Uint8Array> {
    for (const chunk of out.splice(0)) {
      done += chunk.byteLength;
      if (done > size) {
        throw new StatekitError(
          'corrupt',
          `deflate stream expands beyond the declared ${size} bytes`,
        );
      }
      yield chunk;
    }
  };
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      inflater.push(chunk, final);
    } catch (cause) {
      throw new StatekitError('corrupt', `deflate stream is damaged: ${String(cause)}`, { cause });
    }
  };
  for await (const chunk of input) {
    // fflate inflates a whole push at once: small pushes bound the output of each (deflate
    // expands at most ~1032x), so a bomb's first piece cannot take the memory.
    for (let at = 0; at < chunk.byteLength; at += INFLATE_PUSH_BYTES) {
      push(chunk.subarray(at, at + INFLATE_PUSH_BYTES), false);
      yield* drain();
    }
  }
  push(new Uint8Array(0), true);
  yield* drain();
  if (done !== size) {
    throw new StatekitError('corrupt', `deflate stream gives ${done} bytes, expected ${size}`);
  }
}

/** Raw-deflates bytes given in pieces, yielding compressed pieces as they come. */
export async function* deflateRawChunks(
  input: AsyncIterable<Uint8Array>,
  level = 6,
): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const deflater = new Deflate({ level: level as 6 }, (chunk) => {
    out.push(chunk);
  });
  for await (const chunk of input) {
    deflater.push(chunk, false);
    yield* out.splice(0);
  }
  deflater.push(new Uint8Array(0), true);
  yield* out.splice(0);
}
