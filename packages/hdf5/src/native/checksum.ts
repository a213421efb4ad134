/**
 * Jenkins' lookup3 hash (`hashlittle`), the checksum HDF5 stores in its newer metadata
 * (superblock v2/3, version 2 object headers, fractal heaps, version 2 B-trees).
 */

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** lookup3 `hashlittle` of `bytes` with `initval` (HDF5 uses 0), as an unsigned 32-bit value. */
export function lookup3(bytes: Uint8Array, initval = 0): number {
  let length = bytes.length;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let p = 0;
  const word = (at: number): number =>
    bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  while (length > 12) {
    a = (a + word(p)) | 0;
    b = (b + word(p + 4)) | 0;
    c = (c + word(p + 8)) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    p += 12;
  }
  if (length === 0) return c >>> 0;
  const tail = [0, 0, 0];
  for (let i = 0; i < length; i++) tail[i >> 2]! += bytes[p + i]! * 2 ** (8 * (i & 3));
  a = (a + tail[0]!) | 0;
  b = (b + tail[1]!) | 0;
  c = (c + tail[2]!) | 0;
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
