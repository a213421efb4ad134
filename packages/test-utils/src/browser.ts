/**
 * Runs a test entry in a real browser: bundles it for the browser with esbuild (browser
 * conditions, so a node: import fails the build) and loads it in headless Debian Chromium,
 * served from http://localhost/ through request routing (a secure context: WebCrypto works; no
 * server, no network). The entry must define `window.runSmoke(bytes)`.
 */
import * as fs from 'node:fs';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

/** Debian's Chromium, or undefined (browser tests then skip, saying so). */
export const CHROMIUM: string | undefined = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => fs.existsSync(p),
);

/** Why browser tests are skipped. */
export const CHROMIUM_MISSING =
  'chromium not found: browser smoke test SKIPPED (apt-get install chromium; .ci/run does)';

/** The bundle's code and what `window.runSmoke(input)` returned, with any page errors. */
export interface BrowserRun<T> {
  code: string;
  result: T;
  errors: string[];
}

/** Bundles `entry`, runs `window.runSmoke(input)` in headless Chromium and returns its result. */
export async function runInChromium<T>(entry: string, input: Uint8Array): Promise<BrowserRun<T>> {
  if (!CHROMIUM) throw new Error(CHROMIUM_MISSING);
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // Workspace packages from their TypeScript sources, as the tests import them.
    conditions: ['statekit-source'],
    target: 'es2022',
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
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
    await page.route('http://localhost/**', (route) => {
      const script = route.request().url().endsWith('.js');
      return route.fulfill({
        contentType: script ? 'text/javascript' : 'text/html',
        body: script
          ? code
          : '<!doctype html><title>statekit</title><script type="module" src="/smoke.js"></script>',
      });
    });
    await page.goto('http://localhost/');
    await page.waitForFunction(
      () => typeof (window as unknown as { runSmoke?: unknown }).runSmoke === 'function',
    );
    const result = (await page.evaluate(
      (bytes) =>
        (window as unknown as { runSmoke(b: Uint8Array): Promise<unknown> }).runSmoke(
          Uint8Array.from(bytes),
        ),
      Array.from(input),
    )) as T;
    return { code, result, errors };
  } finally {
    await browser.close();
  }
}
