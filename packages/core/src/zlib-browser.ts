/**
 * Deflate, inflate and CRC-32 for browsers (fflate). The Node build (`zlib-node.ts`) has the
 * same exports on `node:zlib`, which is 3-20x faster; `@statekit/core/zlib` picks one by
 * export condition.
 */
import { deflateSync, Inflate, inflateSync, unzlibSync, zlibSync } from 'fflate';
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
