import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import * as msgpack from '../src/index.js';

test('@statekit/msgpack/node exports', async () => {
  expect(Object.keys(await import('../src/node.js')).sort()).toMatchInlineSnapshot(`
    [
      "loadPytree",
      "msgpackLoad",
      "msgpackSave",
      "savePytree",
    ]
  `);
});

test('@statekit/msgpack exports', () => {
  expect(Object.keys(msgpack).sort()).toMatchInlineSnapshot(`
    [
      "AsyncManager",
      "msgpack",
      "registerSerialization",
    ]
  `);
});

test('the msgpack package imports no node: module outside its node entry (it runs in browsers too)', () => {
  const src = path.resolve(import.meta.dirname, '../src');
  for (const file of fs.readdirSync(src).filter((f) => f !== 'node.ts')) {
    expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/from 'node:/);
  }
});
