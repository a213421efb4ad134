/**
 * HDF5 datasets read in slices (`streamAbove`; the native reader from the file, h5wasm in
 * hyperslabs) and written from slices: the digests h5py gave, the same bytes on output, and
 * `limits.maxArrayBytes` before anything is loaded whole.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  arraySha256,
  type Entry,
  entry,
  memorySink,
  ndarray,
  type ReadOptions,
  StreamedArray,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { fileSource } from '@statekit/core/node';
import { describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-h5-stream-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

interface Expected {
  entries: { key: string; dtype: string; shape: number[]; sha256?: string }[];
}

async function readAll(file: string, options: ReadOptions): Promise<Entry[]> {
  const reader = await (await hdf5.load()).open(fileSource(file), options);
  const out: Entry[] = [];
  for await (const e of reader.read()) out.push(e);
  return out;
}

const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.h5') && fs.existsSync(path.join(FIXTURES, `${f}.expected.json`)));

describe.each(['auto', 'h5wasm'] as const)('datasets read in slices (%s engine)', (engine) => {
  test.each(fixtures)('%s: the digests h5py gave', async (name) => {
    const file = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8')) as Expected;
    const entries = await readAll(file, { streamAbove: 0, hdf5: { engine, slabBytes: 64 } });
    let streamed = 0;
    for (const e of entries) {
      if (!(e.value instanceof StreamedArray)) continue;
      streamed++;
      const want = expected.entries.find((x) => x.key === e.key);
      expect([e.value.dtype, e.value.shape], e.key).toEqual([want?.dtype, want?.shape]);
      if (want?.sha256) expect(await arraySha256(e.value), e.key).toBe(want.sha256);
    }
    if (/dtypes|einet/.test(name)) expect(streamed).toBeGreaterThan(3);
  });
});

describe('writing from slices (native writer)', () => {
  const values = {
    w: ndarray(
      'float32',
      [3, 1000],
      Float32Array.from({ length: 3000 }, (_, i) => i / 7),
    ),
    b: ndarray('bfloat16', [4], Uint16Array.of(0x3f80, 0x4000, 0xc040, 0)),
    h: ndarray('bool', [5], Uint8Array.of(1, 0, 1, 1, 0)),
  };
  const sliced = (v: (typeof values)[keyof typeof values]): StreamedArray => {
    const bytes = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    return new StreamedArray(v.dtype, v.shape, v.itemSize, async function* () {
      for (let at = 0; at < bytes.byteLength; at += 999) yield bytes.subarray(at, at + 999);
    });
  };
  test('gives the bytes whole arrays give, and h5py reads them', async () => {
    const codec = await hdf5.load();
    const write = async (stream: boolean): Promise<Uint8Array> => {
      const sink = memorySink('out.h5');
      const entries = Object.entries(values).map(([k, v]) => entry([k], stream ? sliced(v) : v));
      await writeEntries(codec, entries, sink, { hdf5: { engine: 'native' } });
      await sink.close();
      return sink.bytes();
    };
    const streamed = await write(true);
    expect(Buffer.from(streamed)).toEqual(Buffer.from(await write(false)));
    if (!PYTHON) return console.warn(PYTHON_MISSING);
    const file = path.join(tmp, 'sliced.h5');
    fs.writeFileSync(file, streamed);
    const out = python(
      `import sys, h5py
with h5py.File(sys.argv[1], 'r') as f:
    print(f['w'].shape, round(float(f['w'][2, 999]), 4), f['b'].attrs['statekit_dtype'], list(f['h'][:]))`,
      file,
    );
    expect(out.trim()).toBe(
      `(3, 1000) ${Math.round((2999 / 7) * 1e4) / 1e4} bfloat16 [True, False, True, True, False]`,
    );
  });
});

describe('limits.maxArrayBytes', () => {
  test.each(['auto', 'h5wasm'] as const)(
    'is checked before a dataset is loaded whole (%s)',
    async (engine) => {
      const file = path.join(FIXTURES, 'dtypes.h5');
      const err = await readAll(file, { limits: { maxArrayBytes: 64 }, hdf5: { engine } }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ tag: 'limit', file });
      expect(String(err)).toMatch(/bytes, over limits.maxArrayBytes \(64\)/);
      const streamed = await readAll(file, {
        limits: { maxArrayBytes: 64 },
        streamAbove: 64,
        hdf5: { engine },
      });
      // float64 (2, 2, 3) holds 96 bytes: it streams; the rest load whole, under the limit.
      const big = streamed.filter((e) => e.value instanceof StreamedArray).map((e) => e.key);
      expect(big).toEqual(['float64']);
    },
  );
});
