/**
 * A real-browser smoke test of @statekit/hdf5: bundled for the browser (h5wasm's browser
 * build, MEMFS) and run in headless Chromium. Skipped, visibly, without Debian's chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arraySha256, ndarray, strArray } from '@statekit/core';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const FIXTURE = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5/big-endian.h5');

if (!CHROMIUM)
  console.warn(
    'chromium not found: HDF5 browser smoke test SKIPPED (apt-get install chromium; .ci/run does)',
  );

test.skipIf(!CHROMIUM)(
  'hdf5 runs in headless Chromium: h5py files read, our files round-trip',
  async () => {
    const bundle = await build({
      entryPoints: [path.join(import.meta.dirname, 'browser/smoke.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ['"]node:/);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route('http://localhost/**', (route) =>
        route.fulfill({
          contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html',
          body: route.request().url().endsWith('.js')
            ? code
            : '<!doctype html><title>statekit</title><script type="module" src="/smoke.js"></script>',
        }),
      );
      await page.goto('http://localhost/');
      await page.waitForFunction(() => typeof window.runSmoke === 'function');
      const fixture = Array.from(fs.readFileSync(FIXTURE));
      const result = (await page.evaluate(
        (bytes) => window.runSmoke(Uint8Array.from(bytes)),
        fixture,
      )) as {
        fromH5py: Record<string, string>;
        written: Record<string, string>;
      };
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
    } finally {
      await browser.close();
    }
  },
  90_000,
);
