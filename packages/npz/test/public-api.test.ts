import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import * as npz from '../src/index.js';

test('@statekit/npz exports', () => {
  expect(Object.keys(npz).sort()).toMatchInlineSnapshot(`
    [
      "NPY_MAGIC",
      "checkDataLength",
      "decodeNpyData",
      "encodeNpyHeader",
      "isNpy",
      "npy",
      "npyContainerLossiness",
      "npyHeaderLength",
      "npyLossiness",
      "npz",
      "readNpyHeader",
      "readNpyHeaderFrom",
      "toStorableArray",
    ]
  `);
});

test('the npz package imports no node: module directly (zlib comes through core)', () => {
  const src = path.resolve(import.meta.dirname, '../src');
  for (const file of fs.readdirSync(src)) {
    expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/from 'node:/);
  }
});
