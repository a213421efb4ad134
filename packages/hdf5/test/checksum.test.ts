import { expect, test } from 'vitest';
import { lookup3 } from '../src/native/checksum.js';

test("lookup3 gives the values of Jenkins' reference driver (lookup3.c)", () => {
  const text = new TextEncoder().encode('Four score and seven years ago');
  expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
  expect(lookup3(text)).toBe(0x17770551);
  expect(lookup3(text, 1)).toBe(0xcd628161);
  // Every tail length (1-12 bytes after the 12-byte blocks) changes the hash.
  const seen = new Set(Array.from({ length: 30 }, (_, n) => lookup3(text.subarray(0, n))));
  expect(seen.size).toBe(30);
});
