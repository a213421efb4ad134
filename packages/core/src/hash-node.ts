/** SHA-256 on `node:crypto`, fed in 64 MiB pieces (no input size limit). */
import { createHash } from 'node:crypto';

/** SHA-256 (hex) of bytes of any size. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  const piece = 64 << 20;
  for (let at = 0; at < bytes.byteLength; at += piece) hash.update(bytes.subarray(at, at + piece));
  return hash.digest('hex');
}

/** SHA-256 (hex) of the concatenation of `chunks`, holding one chunk at a time. */
export async function sha256Chunks(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}
