import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import * as pickle from '../src/index.js';

test('@statekit/pickle exports', () => {
  expect(Object.keys(pickle).sort()).toMatchInlineSnapshot(`
    [
      "ALLOWED_GLOBALS",
      "pickle",
      "torch",
    ]
  `);
});

test('the pickle package imports no node: module (it runs in browsers too)', () => {
  const src = path.resolve(import.meta.dirname, '../src');
  for (const file of fs.readdirSync(src)) {
    expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/from 'node:/);
  }
});
