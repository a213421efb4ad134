import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzCodec, seededRandom as rng } from '@statekit/test-utils';
import { describe, expect, test } from 'vitest';
import { npyCodecImpl } from '../src/npy-codec.js';
import { npzCodecImpl } from '../src/npz-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');

describe.each([
  ['dtypes.npz', npzCodecImpl],
  ['dtypes.compressed.npz', npzCodecImpl],
  ['brainpy-einet.npz', npzCodecImpl],
  ['str.npy', npyCodecImpl],
  ['fortran-c16.npy', npyCodecImpl],
])('mutated %s', (name, codec) => {
  test('every mutation either reads or fails with a StatekitError naming the file, promptly', async () => {
    const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
    const { rejected } = await fuzzCodec(codec, name, original, {
      random: rng(name.length * 7919),
    });
    expect(rejected).toBeGreaterThan(50);
  });
});
