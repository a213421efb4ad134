/**
 * Arrays read in slices (`streamAbove`) and written from slices: the same values and digests
 * as whole arrays, for every fixture numpy wrote (stored, deflated, big-endian, Fortran), the
 * same bytes on output, and damage and limits reported as for whole reads.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  arraySha256,
  convert,
  type Entry,
  entry,
  isNdArray,
  memorySink,
  ndarray,
  openSource,
  type ReadOptions,
  registerCodec,
  StreamedArray,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { npy, npz } from '../src/index.js';
import { npzCodecImpl } from '../src/npz-codec.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-stream-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(npz, npy);
});

interface Expected {
  entries: { key: string; dtype: string; shape: number[]; sha256?: string }[];
}

const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((f) => /\.(npz|npy)$/.test(f))
  .filter((f) => fs.existsSync(path.join(FIXTURES, `${f}.expected.json`)));

async function readAll(file: string, options: ReadOptions): Promise<Entry[]> {
  const reader = await openSource(fileSource(file), options);
  const out: Entry[] = [];
  for await (const e of reader.read()) out.push(e);
  return out;
}

describe('arrays read in slices match numpy', () => {
  test.each(fixtures)('%s', async (name) => {
    const file = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8')) as Expected;
    const whole = await readAll(file, {});
    const sliced = await readAll(file, { streamAbove: 0 });
    expect(sliced.map((e) => e.key)).toEqual(whole.map((e) => e.key));
    let streamed = 0;
    for (const [i, e] of sliced.entries()) {
      const want = expected.entries.find((x) => x.key === e.key);
      const v = e.value;
      if (!(v instanceof StreamedArray)) {
        // Only what cannot stream comes whole: Fortran order of rank 2+, empty arrays.
        if (isNdArray(v) && v.shape.length > 1 && elementsOf(v.shape) > 0)
          expect(name).toMatch(/fortran/);
        continue;
      }
      streamed++;
      expect([v.dtype, v.shape]).toEqual([want?.dtype, want?.shape]);
      expect(await arraySha256(v), e.key).toBe(want?.sha256);
      // Odd slice sizes regroup into whole elements; the bytes are the same.
      const small: Uint8Array[] = [];
      for await (const s of v.slices(7)) {
        expect(s.byteLength % v.itemSize).toBe(0);
        small.push(s.slice());
      }
      const whole_ = whole[i]!.value;
      if (isNdArray(whole_))
        expect(Buffer.concat(small)).toEqual(Buffer.from(bytesOfArray(whole_)));
      expect(await v.load()).toEqual(whole_);
    }
    if (!/fortran|empty/.test(name)) expect(streamed).toBeGreaterThan(0);
  });
});

function elementsOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function bytesOfArray(a: { data: ArrayBufferView }): Uint8Array {
  return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

describe('writing from slices', () => {
  const values = {
    w: ndarray(
      'float32',
      [3, 1000],
      Float32Array.from({ length: 3000 }, (_, i) => i / 7),
    ),
    b: ndarray('bfloat16', [4], Uint16Array.of(0x3f80, 0x4000, 0xc040, 0)),
    n: ndarray('int64', [2], BigInt64Array.of(1n, -(2n ** 62n))),
  };
  const streamedOf = (v: (typeof values)[keyof typeof values]): StreamedArray => {
    const bytes = bytesOfArray(v);
    return new StreamedArray(v.dtype, v.shape, v.itemSize, async function* () {
      for (let at = 0; at < bytes.byteLength; at += 1000) yield bytes.subarray(at, at + 1000);
    });
  };
  const entries = (stream: boolean): Entry[] =>
    Object.entries(values).map(([k, v]) => entry([k], stream ? streamedOf(v) : v));

  test.each([0, 6])('gives the bytes whole arrays give (compress level %i)', async (level) => {
    const options = { allowLossy: true, npz: { compress: level } };
    const whole = memorySink('whole.npz');
    await writeEntries(npzCodecImpl, entries(false), whole, options);
    await whole.close();
    const sliced = memorySink('sliced.npz');
    await writeEntries(npzCodecImpl, entries(true), sliced, options);
    await sliced.close();
    expect(Buffer.from(sliced.bytes())).toEqual(Buffer.from(whole.bytes()));
  });

  test('convert streams a large member into a file numpy reads', async () => {
    if (!PYTHON) return console.warn(PYTHON_MISSING);
    // 48 MiB deflated to ~50 KB, numpy-written; converted with a 1 MiB streaming threshold.
    const input = path.join(tmp, 'big.npz');
    const single = path.join(tmp, 'single.npz');
    python(
      `import sys, numpy as np
a = np.arange(12 * 2**20, dtype='<i4') % 1000
np.savez_compressed(sys.argv[1], big=a, small=np.ones(3))
np.savez_compressed(sys.argv[2], big=a)`,
      input,
      single,
    );
    const cases = [
      [input, 'npz', path.join(tmp, 'out.npz')],
      [single, 'npy', path.join(tmp, 'out.npy')],
    ] as const;
    for (const [from, to, output] of cases) {
      const source = fileSource(from);
      const read = { streamAbove: 1 << 20 };
      await convert(source, atomicFileSink(output), { to, read, write: { npz: { compress: 6 } } });
      await source.close();
      const check = python(
        `import sys, hashlib, numpy as np
f = np.load(sys.argv[1])
a = f['big'] if sys.argv[1].endswith('.npz') else f
print(a.dtype, a.shape, int(a.sum()), hashlib.sha256(a.tobytes()).hexdigest()[:16])`,
        output,
      );
      expect(check.trim(), to).toBe(
        `int32 (12582912,) ${sumOf()} ${(await digestOf(input)).slice(0, 16)}`,
      );
    }
  });
});

function sumOf(): number {
  let s = 0;
  for (let i = 0; i < 12 * 2 ** 20; i++) s += i % 1000;
  return s;
}

async function digestOf(file: string): Promise<string> {
  const reader = await openSource(fileSource(file), { streamAbove: 0 });
  for await (const e of reader.read(['big'])) return arraySha256(e.value as StreamedArray);
  throw new Error('no big');
}

describe('damage and limits, in slices as whole', () => {
  test('a CRC mismatch is found at the end of the slices, naming file and member', async () => {
    const sink = memorySink('crc.npz');
    const w = ndarray(
      'float64',
      [100_000],
      Float64Array.from({ length: 100_000 }, (_, i) => i),
    );
    await writeEntries(npzCodecImpl, [entry(['w'], w)], sink, {});
    await sink.close();
    const bytes = sink.bytes().slice();
    bytes[200_000]! ^= 1; // inside the data
    const file = path.join(tmp, 'crc.npz');
    fs.writeFileSync(file, bytes);
    const reader = await openSource(fileSource(file), { streamAbove: 0 });
    for await (const e of reader.read()) {
      const err = await arraySha256(e.value as StreamedArray).catch((x: unknown) => x);
      expect(err).toMatchObject({ tag: 'corrupt', file, key: 'w' });
      expect(String(err)).toMatch(/CRC-32 mismatch in member "w.npy"/);
    }
  });

  test('an array over limits.maxArrayBytes is a limit error with the figures, unless streamed', async () => {
    const file = path.join(FIXTURES, 'dtypes.npz');
    const reader = await openSource(fileSource(file), { limits: { maxArrayBytes: 40 } });
    const err = await (async () => {
      for await (const _ of reader.read()) {
      }
    })().catch((x: unknown) => x);
    expect(err).toMatchObject({ tag: 'limit', file });
    expect(String(err)).toMatch(/over limits.maxArrayBytes \(40\)/);
    const streamed = await openSource(fileSource(file), {
      limits: { maxArrayBytes: 40 },
      streamAbove: 40,
    });
    let n = 0;
    for await (const _ of streamed.read()) n++;
    expect(n).toBeGreaterThan(10);
  });

  test('a member declared 16 GiB: a limit loaded whole, damage when its slices run short', async () => {
    const file = path.join(FIXTURES, 'bad', '16gib-member.npz');
    const whole = await openSource(fileSource(file));
    const e1 = await (async () => {
      for await (const _ of whole.read()) {
      }
    })().catch((x: unknown) => x);
    expect(e1).toMatchObject({ tag: 'limit', key: 'x' });
    expect(String(e1)).toMatch(/holds 17179869\d+ bytes, over limits.maxArrayBytes/);
    const sliced = await openSource(fileSource(file), { streamAbove: 0 });
    for await (const e of sliced.read()) {
      const e2 = await arraySha256(e.value as StreamedArray).catch((x: unknown) => x);
      expect(e2).toMatchObject({ tag: 'corrupt', file, key: 'x' });
      expect(String(e2)).toMatch(/deflate stream gives 8128 bytes, expected 17179869184/);
    }
  });
});
