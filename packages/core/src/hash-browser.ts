/**
 * SHA-256 for browsers: WebCrypto below its input limit (2^31 bits), an incremental
 * JavaScript implementation above it. Same export as `hash-node.ts`.
 */
import { toHex } from './hex.js';

/** WebCrypto's `digest` refuses inputs of 2^31 bits (256 MiB) or more. */
const WEBCRYPTO_LIMIT = (1 << 28) - 1;

/** SHA-256 (hex) of bytes of any size. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= WEBCRYPTO_LIMIT) {
    const digest = await globalThis.crypto.subtle.digest(
      'SHA-256',
      bytes as Uint8Array<ArrayBuffer>,
    );
    return toHex(new Uint8Array(digest));
  }
  return toHex(sha256Js(bytes));
}

/** SHA-256 (hex) of the concatenation of `chunks`, holding one chunk at a time. */
export async function sha256Chunks(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = new Sha256();
  for await (const chunk of chunks) hash.update(chunk);
  return toHex(hash.digest());
}

const K = Uint32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

/** Plain SHA-256 (FIPS 180-4) over any length, block by block. */
export function sha256Js(bytes: Uint8Array): Uint8Array {
  return new Sha256().update(bytes).digest();
}

/** Incremental SHA-256 (FIPS 180-4): `update` any number of times, then `digest` once. */
export class Sha256 {
  private readonly h = Uint32Array.of(
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  );
  private readonly w = new Uint32Array(64);
  /** Bytes of an incomplete block carried to the next update. */
  private readonly pending = new Uint8Array(64);
  private pendingLength = 0;
  private length = 0;

  update(bytes: Uint8Array): this {
    this.length += bytes.byteLength;
    let at = 0;
    if (this.pendingLength > 0) {
      at = Math.min(64 - this.pendingLength, bytes.byteLength);
      this.pending.set(bytes.subarray(0, at), this.pendingLength);
      this.pendingLength += at;
      if (this.pendingLength < 64) return this;
      this.block(new DataView(this.pending.buffer), 0);
      this.pendingLength = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; at + 64 <= bytes.byteLength; at += 64) this.block(view, at);
    this.pending.set(bytes.subarray(at));
    this.pendingLength = bytes.byteLength - at;
    return this;
  }

  digest(): Uint8Array {
    const rest = this.pendingLength;
    const tail = new Uint8Array(rest < 56 ? 64 : 128);
    tail.set(this.pending.subarray(0, rest));
    tail[rest] = 0x80;
    const tv = new DataView(tail.buffer);
    tv.setBigUint64(tail.length - 8, BigInt(this.length) * 8n);
    for (let at = 0; at < tail.length; at += 64) this.block(tv, at);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setUint32(4 * i, this.h[i]!);
    return out;
  }

  private block(view: DataView, at: number): void {
    const { h, w } = this;
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(at + 4 * i);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as number[];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e! >>> 6) | (e! << 26)) ^ ((e! >>> 11) | (e! << 21)) ^ ((e! >>> 25) | (e! << 7));
      const ch = (e! & f!) ^ (~e! & g!);
      const t1 = (hh! + S1 + ch + K[i]! + w[i]!) | 0;
      const S0 =
        ((a! >>> 2) | (a! << 30)) ^ ((a! >>> 13) | (a! << 19)) ^ ((a! >>> 22) | (a! << 10));
      const maj = (a! & b!) ^ (a! & c!) ^ (b! & c!);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d! + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a!;
    h[1] = h[1]! + b!;
    h[2] = h[2]! + c!;
    h[3] = h[3]! + d!;
    h[4] = h[4]! + e!;
    h[5] = h[5]! + f!;
    h[6] = h[6]! + g!;
    h[7] = h[7]! + hh!;
  }
}
