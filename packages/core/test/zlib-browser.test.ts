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
});
