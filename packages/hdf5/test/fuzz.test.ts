import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSource, isStatekitError } from '@statekit/core';
import { expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5');

test('damaged HDF5 files read or fail with a StatekitError naming the file (never a crash)', async () => {
  const codec = await hdf5.load();
  const original = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'brainpy-einet.h5')));
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let rejected = 0;
  for (let i = 0; i < 120; i++) {
    const bytes = original.slice();
    if (i % 6 === 0) {
      bytes.fill(0, Math.floor(random() * bytes.length));
    } else {
      for (let k = 0; k < 1 + Math.floor(random() * 6); k++) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
      }
    }
    try {
      const reader = await codec.open(bytesSource(bytes, `mutant-${i}.h5`));
      try {
        await reader.list();
        for await (const _ of reader.read()) {
          // decode everything
        }
      } finally {
        await reader.close();
      }
    } catch (error) {
      if (!isStatekitError(error))
        throw new Error(`mutation ${i}: ${String(error)}`, { cause: error });
      expect(error.message).toContain(`mutant-${i}.h5`);
      rejected++;
    }
  }
  expect(rejected).toBeGreaterThan(10);
});
