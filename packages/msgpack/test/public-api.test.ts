import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import * as msgpack from '../src/index.js';

test('@statekit/msgpack exports', () => {
  expect(Object.keys(msgpack).sort()).toMatchInlineSnapshot(`
    [
      "msgpack",
    ]
  `);
});

test('the msgpack package imports no node: module (it runs in browsers too)', () => {
  const src = path.resolve(import.meta.dirname, '../src');
  for (const file of fs.readdirSync(src)) {
    expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/from 'node:/);
  }
});
