import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSource, isStatekitError } from '@statekit/core';
import { seededRandom as rng } from '@statekit/test-utils';
import { describe, expect, test } from 'vitest';
import { npyCodecImpl } from '../src/npy-codec.js';
import { npzCodecImpl } from '../src/npz-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = bytes.slice();
  const kind = random();
  if (kind < 0.15) return out.subarray(0, Math.floor(random() * out.length)); // truncate
  const flips = 1 + Math.floor(random() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = kind < 0.6 ? out[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
  }
  return out;
}

describe.each([
  ['dtypes.npz', npzCodecImpl],
  ['dtypes.compressed.npz', npzCodecImpl],
  ['brainpy-einet.npz', npzCodecImpl],
  ['str.npy', npyCodecImpl],
  ['fortran-c16.npy', npyCodecImpl],
])('mutated %s', (name, codec) => {
  test('every mutation either reads or fails with a StatekitError, promptly', async () => {
    const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
    const random = rng(name.length * 7919);
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(original, random);
      try {
        const reader = await codec.open(bytesSource(bytes, name));
        await reader.list();
        for await (const _ of reader.read()) {
          // decode everything
        }
        outcomes.ok++;
      } catch (error) {
        if (!isStatekitError(error))
          throw new Error(`mutation ${i} of ${name}: ${String(error)}`, { cause: error });
        expect(error.message).toContain(name);
        outcomes.rejected++;
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(50);
  });
});
