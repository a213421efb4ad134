import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzCodec, seededRandom } from '@statekit/test-utils';
import { describe, expect, test } from 'vitest';
import { pickleCodecImpl } from '../src/pickle-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/pickle');

/** Opcodes that change the stack and memo: mutants that parse further. */
const SPLICE = [0x28, 0x2e, 0x30, 0x32, 0x52, 0x62, 0x65, 0x68, 0x71, 0x73, 0x75, 0x93, 0x94];

describe.each(['tree.p0.pkl', 'tree.p4.pkl', 'dtypes.p2.pkl', 'dtypes.p5.pkl'])(
  'mutated %s',
  (name) => {
    test('every mutation either reads or fails with a StatekitError naming the file, promptly', async () => {
      const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
      const random = seededRandom(name.length * 7919);
      const { ok, rejected } = await fuzzCodec(pickleCodecImpl, name, original, {
        random,
        splice: SPLICE,
      });
      expect(rejected).toBeGreaterThan(100);
      expect(ok).toBeGreaterThan(10);
    });
  },
);
