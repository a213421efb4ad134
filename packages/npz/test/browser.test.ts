/**
 * A real-browser smoke test: the isomorphic builds of core and npz (fflate, WebCrypto), bundled
 * for the browser and run in headless Chromium. Skipped, visibly, without Debian's chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  arraySha256,
  bytesSource,
  entry,
  isNdArray,
  memorySink,
  ndarray,
  openSource,
  registerCodec,
  strArray,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { CHROMIUM, CHROMIUM_MISSING, runInChromium } from '@statekit/test-utils';
import { expect, test } from 'vitest';
import { npz } from '../src/index.js';

const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../../test-fixtures/npz/dtypes.compressed.npz',
);

if (!CHROMIUM) console.warn(CHROMIUM_MISSING);

test.skipIf(!CHROMIUM)(
  'core and npz run in headless Chromium and agree with Node',
  async () => {
    const { code, result, errors } = await runInChromium<{
      fromNumpy: Record<string, string>;
      written: Record<string, Record<string, string>>;
      userAgent: string;
    }>(path.join(import.meta.dirname, 'browser/smoke.ts'), fs.readFileSync(FIXTURE));
    expect(code).not.toMatch(/from ['"]node:/);
    expect(code).toContain('fflate'); // the browser zlib build, not node:zlib
    expect(errors).toEqual([]);
    expect(result.userAgent).toMatch(/Chrome/);
    // The numpy fixture, inflated by fflate and hashed by WebCrypto, gives numpy's checksums.
    const sidecar = JSON.parse(fs.readFileSync(`${FIXTURE}.expected.json`, 'utf8'));
    expect(result.fromNumpy).toEqual(
      Object.fromEntries(
        sidecar.entries.map((e: { key: string; sha256: string }) => [e.key, e.sha256]),
      ),
    );
    // What the browser wrote reads back the same, stored and deflated, and as Node writes it.
    registerCodec(npz);
    const codec = await npz.load();
    const sink = memorySink();
    await writeEntries(
      codec,
      [
        entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55))),
        entry(['i8'], ndarray('int64', [2], BigInt64Array.of(-1n, 2n ** 62n))),
        entry(['s'], strArray(['日本', 'x'])),
        entry(['zeros'], ndarray('float64', [1000], new Float64Array(1000))),
      ],
      sink,
    );
    await sink.close();
    const node: Record<string, string> = {};
    for await (const e of (await openSource(bytesSource(sink.bytes()))).read()) {
      if (isNdArray(e.value)) node[e.key] = await arraySha256(e.value);
    }
    expect(result.written.false).toEqual(node);
    expect(result.written.true).toEqual(node);
  },
  60_000,
);
