import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSource, isStatekitError } from '@statekit/core';
import { seededRandom as rng } from '@statekit/test-utils';
import { describe, expect, test } from 'vitest';
import { msgpackCodecImpl } from '../src/msgpack-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/msgpack');

/** Truncations, bit flips, random bytes, and type bytes spliced in at random places. */
function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const kind = random();
  if (kind < 0.15) return bytes.slice(0, Math.floor(random() * bytes.length));
  if (kind < 0.3) {
    const at = Math.floor(random() * bytes.length);
    const opcode = [0x28, 0x2e, 0x30, 0x32, 0x52, 0x62, 0x65, 0x68, 0x71, 0x73, 0x75, 0x93, 0x94][
      Math.floor(random() * 13)
    ]!;
    return Uint8Array.from([...bytes.subarray(0, at), opcode, ...bytes.subarray(at)]);
  }
  const out = bytes.slice();
  const flips = 1 + Math.floor(random() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = kind < 0.6 ? out[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
  }
  return out;
}

describe.each(['tree.msgpack', 'dtypes.msgpack', 'chunked.msgpack', 'snn.bp'])(
  'mutated %s',
  (name) => {
    test('every mutation either reads or fails with a StatekitError naming the file, promptly', async () => {
      const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
      const random = rng(name.length * 7919);
      const outcomes = { ok: 0, rejected: 0 };
      for (let i = 0; i < 400; i++) {
        const bytes = mutate(original, random);
        try {
          const reader = await msgpackCodecImpl.open(bytesSource(bytes, name));
          await reader.list();
          await reader.containers?.();
          for await (const _ of reader.read()) {
            // decode everything
          }
          outcomes.ok++;
        } catch (error) {
          if (!isStatekitError(error))
            throw new Error(`mutation ${i} of ${name}: ${String(error)}`, { cause: error });
          expect(
            error.message.startsWith(`${name}: `) || error.message.startsWith(`${name}, key `),
            error.message,
          ).toBe(true);
          outcomes.rejected++;
        }
      }
      expect(outcomes.rejected).toBeGreaterThan(100);
      expect(outcomes.ok).toBeGreaterThan(10);
    });
  },
);
