/**
 * Multi-GiB HDF5 files, both directions (`pnpm test:large`; needs ~9 GiB of disk and memory).
 * A 3 GiB h5py dataset loads with h5py's checksum through both engines; a 5 GiB file written
 * by statekit is read by h5py with our checksums past the 4 GiB mark.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arraySha256, type Entry, entry, isNdArray, ndarray } from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { afterAll, describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, python } from './python.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-large-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function shaOf(file: string, engine: 'native' | 'h5wasm'): Promise<Record<string, string>> {
  const source = fileSource(file);
  const reader = await (await hdf5.load()).open(source, { hdf5: { engine } });
  const out: Record<string, string> = {};
  for await (const e of reader.read()) {
    if (isNdArray(e.value)) out[e.key] = await arraySha256(e.value);
  }
  await reader.close();
  await source.close();
  return out;
}

describe.runIf(PYTHON)('files over 2 and 4 GiB', () => {
  test.each(['native', 'h5wasm'] as const)(
    'a 3 GiB h5py dataset loads with h5py checksum (%s)',
    async (engine) => {
      const file = path.join(tmp, 'h5py-3gib.h5');
      if (!fs.existsSync(file)) {
        python(
          `import sys, h5py, numpy as np
a = np.arange(3 * 2**30 // 4, dtype=np.float32) % np.float32(1000.5)
with h5py.File(sys.argv[1], 'w') as f:
    f['x'] = a
    f['small'] = np.arange(5)`,
          file,
        );
      }
      const expected = JSON.parse(
        python(
          `import sys, json, hashlib, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: hashlib.sha256(f[k][()].tobytes()).hexdigest() for k in f}))`,
          file,
        ),
      );
      expect(await shaOf(file, engine)).toEqual(expected);
    },
  );

  test('h5py reads a 5 GiB file statekit wrote natively', async () => {
    const file = path.join(tmp, 'statekit-5gib.h5');
    const big = (seed: number) => {
      const a = new Float32Array((2.5 * 2 ** 30) / 4);
      for (let i = 0; i < a.length; i += 4096) a[i] = seed + i;
      a[a.length - 1] = seed;
      return ndarray('float32', [a.length], a);
    };
    const entries: Entry[] = [
      entry(['a'], big(1)),
      entry(['b'], big(2)),
      entry(['net', 'tail'], ndarray('int32', [3], Int32Array.of(7, 8, 9))),
    ];
    const ours: Record<string, string> = {};
    for (const e of entries) ours[e.key] = await arraySha256(e.value as never);
    const sink = atomicFileSink(file);
    await writeEntries(await hdf5.load(), entries, sink, { hdf5: { engine: 'native' } });
    await sink.close();
    expect(fs.statSync(file).size).toBeGreaterThan(5 * 2 ** 30);
    const seen = JSON.parse(
      python(
        `import sys, json, hashlib, h5py
f = h5py.File(sys.argv[1], 'r')
out = {}
f.visititems(lambda n, o: out.__setitem__(n.replace('/', '.'), hashlib.sha256(o[()].tobytes()).hexdigest()) if isinstance(o, h5py.Dataset) else None)
print(json.dumps(out))`,
        file,
      ),
    );
    expect(seen).toEqual(ours);
  });
});
