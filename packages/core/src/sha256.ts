import { sha256Bytes, sha256Chunks } from '@statekit/core/hash';
import { bytesOf, type NdArray } from './ndarray.js';
import { StreamedArray } from './streamed-array.js';

export { toHex } from './hex.js';

/** SHA-256 (hex) of bytes of any size (`node:crypto` in Node, WebCrypto or JS in browsers). */
export function sha256Hex(bytes: Uint8Array): Promise<string> {
  return sha256Bytes(bytes);
}

/**
 * SHA-256 (hex) of an array's logical little-endian C-order bytes: the same as Python's
 * `hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes())`.
 * A {@link StreamedArray} is hashed slice by slice.
 */
export function arraySha256(array: NdArray | StreamedArray): Promise<string> {
  if (array instanceof StreamedArray) return sha256Chunks(array.slices());
  return sha256Hex(bytesOf(array));
}
