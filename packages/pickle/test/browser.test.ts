/**
 * A real-browser smoke test: core and pickle (pickle, torch) bundled for the browser and run in
 * headless Chromium. Skipped, visibly, without Debian's chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHROMIUM, CHROMIUM_MISSING, runInChromium } from '@statekit/test-utils';
import { expect, test } from 'vitest';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures');
const files = ['pickle/dtypes.p5.pkl', 'torch/views.pt', 'pickle/bad/hostile-os-system.p4.pkl'];

if (!CHROMIUM) console.warn(CHROMIUM_MISSING);

const digests = (fixture: string) =>
  Object.fromEntries(
    JSON.parse(fs.readFileSync(path.join(FIXTURES, `${fixture}.expected.json`), 'utf8'))
      .entries.filter((e: { sha256?: string }) => e.sha256)
      .map((e: { key: string; sha256: string }) => [e.key, e.sha256]),
  );

test.skipIf(!CHROMIUM)(
  "pickle and torch files read in headless Chromium with Python's and torch's checksums",
  async () => {
    const bytes = files.map((f) => fs.readFileSync(path.join(FIXTURES, f)));
    const head = new Uint8Array(12);
    for (const [i, b] of bytes.entries())
      new DataView(head.buffer).setUint32(4 * i, b.byteLength, true);
    const { code, result, errors } = await runInChromium<{
      fromPython: Record<string, string>;
      fromTorch: Record<string, string>;
      refused: string;
      written: Record<string, string>;
      userAgent: string;
    }>(path.join(import.meta.dirname, 'browser/smoke.ts'), Buffer.concat([head, ...bytes]));
    expect(code).not.toMatch(/from ['"]node:/);
    expect(errors).toEqual([]);
    expect(result.userAgent).toMatch(/Chrome/);
    expect(result.fromPython).toEqual(digests(files[0]!));
    expect(result.fromTorch).toEqual(digests(files[1]!));
    expect(result.refused).toMatch(
      /^evil\.pkl: pickle: refused global posix\.system: loading it would run code/,
    );
    expect(Object.keys(result.written)).toEqual(['E.V']);
  },
  120_000,
);
