import { bytesOf, type NdArray } from './ndarray.js';

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** SHA-256 (hex) of bytes, by WebCrypto (Node 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/**
 * SHA-256 (hex) of an array's logical little-endian C-order bytes: the same as Python's
 * `hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes())`.
 */
export function arraySha256(array: NdArray): Promise<string> {
  return sha256Hex(bytesOf(array));
}
