/** Arena chunk size: small arrays share buffers of this size. */
const CHUNK_BYTES = 1 << 20;

/**
 * Packs the bytes of small arrays, 8-byte aligned, into shared 1 MiB buffers. Reading 20,000
 * arrays of 400 bytes otherwise leaves each one either in an ArrayBuffer of its own (a few
 * hundred bytes of bookkeeping each) or as a view that keeps a whole read-ahead block alive;
 * packed, the loaded state costs about its own bytes. Bytes above an eighth of a chunk are
 * copied on their own. An array keeps its chunk alive: at most 1 MiB.
 */
export class ByteArena {
  private chunk: Uint8Array | undefined;
  private used = 0;

  /** An aligned copy of `bytes` that the caller may keep and modify. */
  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.byteLength;
    if (n > CHUNK_BYTES / 8) return bytes.slice();
    let at = (this.used + 7) & ~7;
    if (this.chunk === undefined || at + n > CHUNK_BYTES) {
      this.chunk = new Uint8Array(CHUNK_BYTES);
      at = 0;
    }
    const out = this.chunk.subarray(at, at + n);
    out.set(bytes);
    this.used = at + n;
    return out;
  }
}
