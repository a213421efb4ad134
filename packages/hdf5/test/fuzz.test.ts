import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSource, entry, isStatekitError, memorySink, ndarray, strArray } from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5');

/** A file from statekit's native writer: groups, strings in a global heap, tags, attributes. */
async function ownFile(): Promise<Uint8Array> {
  const sink = memorySink();
  await writeEntries(
    await hdf5.load(),
    [
      ...Array.from({ length: 20 }, (_, i) =>
        entry([`n${i}`, 'V'], ndarray('float32', [3], Float32Array.of(i, 1, 2)), { unit: 'mV' }),
      ),
      entry(['names'], strArray(['E', 'I', 'EI'], [3])),
      entry(['spike'], ndarray('bool', [4], Uint8Array.of(1, 0, 0, 1))),
      entry(['step'], 7n),
    ],
    sink,
    { hdf5: { layout: 'groups' } },
  );
  await sink.close();
  return sink.bytes();
}

test.each([
  ['brainpy-einet.h5 (h5py)', 'auto'],
  ['brainpy-einet.h5 (h5py)', 'h5wasm'],
  ['a statekit-written file', 'native'],
  // Not h5wasm on this one: HDF5 aborts (and prints) on a corrupt global heap; auto never
  // hands it such a file, since the native reader reads every structure in it.
  ['a statekit-written file', 'auto'],
  // Checksummed metadata (version 2 headers, fractal heap, v2 B-trees) read natively.
  ['latest-dense.h5 (h5py)', 'native'],
] as const)(
  'damaged HDF5 files read or fail with a StatekitError naming the file (never a crash): %s, %s reader',
  async (base, engine) => {
    const codec = await hdf5.load();
    const fixture = / \(h5py\)$/.test(base) ? base.split(' ')[0]! : undefined;
    const original = fixture
      ? new Uint8Array(fs.readFileSync(path.join(FIXTURES, fixture)))
      : await ownFile();
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
        const reader = await codec.open(bytesSource(bytes, `mutant-${i}.h5`), { hdf5: { engine } });
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
  },
);
