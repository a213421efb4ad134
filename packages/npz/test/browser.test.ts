/**
 * A real-browser smoke test: the isomorphic builds of core and npz, bundled for the browser
 * (esbuild, browser conditions: fflate and WebCrypto; a node: import would fail the build),
 * run in headless Chromium. Skipped, visibly, when Debian's chromium is not installed.
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
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { npz } from '../src/index.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../../test-fixtures/npz/dtypes.compressed.npz',
);

if (!CHROMIUM)
  console.warn(
    'chromium not found: browser smoke test SKIPPED (apt-get install chromium; .ci/run does)',
  );

test.skipIf(!CHROMIUM)(
  'core and npz run in headless Chromium and agree with Node',
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
    expect(code).toContain('fflate'); // the browser zlib build, not node:zlib

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
      // Served from http://localhost/ (routed, no server): a secure context, so WebCrypto is there.
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
        fromNumpy: Record<string, string>;
        written: Record<string, Record<string, string>>;
        userAgent: string;
      };
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
      await codec.write(
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
    } finally {
      await browser.close();
    }
  },
  60_000,
);
