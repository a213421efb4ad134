/**
 * A real-browser smoke test of @statekit/hdf5: bundled for the browser (h5wasm's browser
 * build, MEMFS) and run in headless Chromium. Skipped, visibly, without Debian's chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arraySha256, ndarray, strArray } from '@statekit/core';
import { CHROMIUM, CHROMIUM_MISSING, runInChromium } from '@statekit/test-utils';
import { expect, test } from 'vitest';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5/big-endian.h5');

if (!CHROMIUM) console.warn(CHROMIUM_MISSING);

test.skipIf(!CHROMIUM)(
  'hdf5 runs in headless Chromium: h5py files read, our files round-trip',
  async () => {
    const { code, result, errors } = await runInChromium<{
      fromH5py: Record<string, string>;
      written: Record<string, string>;
    }>(path.join(import.meta.dirname, 'browser/smoke.ts'), fs.readFileSync(FIXTURE));
    expect(code).not.toMatch(/from ['"]node:/);
    expect(errors).toEqual([]);
    const sidecar = JSON.parse(fs.readFileSync(`${FIXTURE}.expected.json`, 'utf8'));
    expect(result.fromH5py).toEqual(
      Object.fromEntries(
        sidecar.entries.map((e: { key: string; sha256: string }) => [e.key, e.sha256]),
      ),
    );
    // What the browser wrote comes back bit for bit: the checksums of the arrays it was given.
    expect(result.written).toEqual({
      'E.V': await arraySha256(ndarray('float32', [3], Float32Array.of(-65, -60, -55))),
      spike: await arraySha256(ndarray('bool', [2], Uint8Array.of(1, 0))),
      'net.w': await arraySha256(ndarray('complex64', [1], Float32Array.of(1, -1))),
      s: await arraySha256(strArray(['日本', 'x'])),
    });
  },
  90_000,
);
