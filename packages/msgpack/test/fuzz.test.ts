import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzCodec, seededRandom } from '@statekit/test-utils';
import { describe, expect, test } from 'vitest';
import { msgpackCodecImpl } from '../src/msgpack-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/msgpack');

/** Type bytes (maps, arrays, str, bin, ext): mutants that parse further. */
const SPLICE = [0x80, 0x90, 0xa0, 0xc0, 0xc4, 0xc7, 0xc9, 0xcf, 0xd4, 0xd8, 0xdc, 0xde, 0xdf];

describe.each(['tree.msgpack', 'dtypes.msgpack', 'chunked.msgpack', 'snn.bp'])(
  'mutated %s',
  (name) => {
    test('every mutation either reads or fails with a StatekitError naming the file, promptly', async () => {
      const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
      const random = seededRandom(name.length * 7919);
      const { ok, rejected } = await fuzzCodec(msgpackCodecImpl, name, original, {
        random,
        splice: SPLICE,
      });
      expect(rejected).toBeGreaterThan(100);
      expect(ok).toBeGreaterThan(10);
    });
  },
);
