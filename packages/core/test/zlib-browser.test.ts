/**
 * The browser build of @statekit/core/zlib (fflate) against the Node build (node:zlib): each
 * must read what the other writes, and CRC-32 and the prefix inflate must agree.
 */
import { describe, expect, test } from 'vitest';
import { isStatekitError } from '../src/index.js';
import * as browser from '../src/zlib-browser.js';
import * as node from '../src/zlib-node.js';

const data = Uint8Array.from({ length: 120_000 }, (_, i) => (i % 251) ^ ((i >> 9) & 0xff));

describe('zlib: browser (fflate) and Node (node:zlib) builds agree', () => {
  test('CRC-32, continued across chunks and over empty input', () => {
    expect(browser.crc32(data)).toBe(node.crc32(data));
    expect(browser.crc32(data.subarray(1000), browser.crc32(data.subarray(0, 1000)))).toBe(
      node.crc32(data),
    );
    expect(browser.crc32(new Uint8Array(0), 1234)).toBe(node.crc32(new Uint8Array(0), 1234));
  });
  test('raw deflate streams cross over both ways; sizes are enforced', () => {
    expect(node.inflateRaw(browser.deflateRaw(data), data.length)).toEqual(data);
    expect(browser.inflateRaw(node.deflateRaw(data), data.length)).toEqual(data);
    const short = browser.deflateRaw(data);
    const error = (() => {
      try {
        browser.inflateRaw(short, data.length - 1);
      } catch (e) {
        return e;
      }
    })();
    expect(isStatekitError(error, 'corrupt')).toBe(true);
  });
  test('zlib-wrapped streams (MAT miCOMPRESSED) cross over both ways', () => {
    expect(node.inflateZlib(browser.deflateZlib(data), data.length)).toEqual(data);
    expect(browser.inflateZlib(node.deflateZlib(data), data.length)).toEqual(data);
  });
  test('the prefix inflate gives the first bytes without inflating everything', () => {
    const compressed = node.deflateRaw(data);
    for (const prefix of [
      browser.inflateRawPrefix(compressed, 4096),
      node.inflateRawPrefix(compressed, 4096),
    ]) {
      expect(prefix.length).toBeGreaterThanOrEqual(128);
      expect(prefix.length).toBeLessThan(data.length);
      expect(prefix.subarray(0, 128)).toEqual(data.subarray(0, 128));
    }
  });
  test('inflating and deflating in pieces: both builds, damage and bombs refused', async () => {
    async function* pieces(x: Uint8Array, n: number): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < x.length; at += n) yield x.subarray(at, at + n);
    }
    async function all(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
      const out: Uint8Array[] = [];
      for await (const c of chunks) out.push(c.slice());
      return Uint8Array.from(Buffer.concat(out));
    }
    for (const [from, to] of [
      [node, browser],
      [browser, node],
    ] as const) {
      const compressed = await all(from.deflateRawChunks(pieces(data, 7000), 6));
      expect(to.inflateRaw(compressed, data.length)).toEqual(data);
      expect(await all(to.inflateRawChunks(pieces(compressed, 333), data.length))).toEqual(data);
      const fails = (size: number, input = compressed) =>
        all(to.inflateRawChunks(pieces(input, 1000), size)).catch((e: unknown) => e);
      expect(String(await fails(data.length - 1))).toMatch(/expands beyond the declared/);
      expect(String(await fails(data.length + 1))).toMatch(/gives 120000 bytes, expected 120001/);
      expect(await fails(data.length, compressed.subarray(0, 500))).toMatchObject({
        tag: 'corrupt',
      });
    }
    // A bomb (1 GiB of zeros in ~1 MB) stops at the declared size, long before its end.
    const bomb = node.deflateRaw(new Uint8Array(64 << 20));
    const repeated = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 16; i++) yield bomb.subarray(0, bomb.length - 8);
    };
    for (const z of [node, browser]) {
      let seen = 0;
      const err = await (async () => {
        for await (const c of z.inflateRawChunks(repeated(), 1 << 20)) seen += c.byteLength;
      })().catch((e: unknown) => e);
      expect(String(err)).toMatch(/expands beyond the declared 1048576 bytes/);
      expect(seen).toBeLessThanOrEqual(1 << 20);
    }
  });
});
