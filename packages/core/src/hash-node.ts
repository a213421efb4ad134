/** SHA-256 on `node:crypto`, fed in 64 MiB pieces (no input size limit). */
import { createHash } from 'node:crypto';

/** SHA-256 (hex) of bytes of any size. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  const piece = 64 << 20;
  for (let at = 0; at < bytes.byteLength; at += piece) hash.update(bytes.subarray(at, at + piece));
  return hash.digest('hex');
}
