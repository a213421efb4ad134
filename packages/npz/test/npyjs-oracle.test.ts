/**
 * npyjs, an independent NPY implementation, as an oracle: it must decode numpy's fixtures to
 * the same values we do, and decode what we write to the values we wrote, for the dtypes it
 * supports (it has no big-endian, no |S, and returns bool as JS arrays).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesSource, type Entry, type NdArray, strings } from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { parse } from 'npyjs';
import { describe, expect, test } from 'vitest';
import { npyCodecImpl } from '../src/npy-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');
const SUPPORTED = [
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'complex64',
  'complex128',
  'bool',
  'str',
];

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function ours(bytes: Uint8Array, name: string): Promise<NdArray> {
  const reader = await npyCodecImpl.open(bytesSource(bytes, name));
  const out: Entry[] = [];
  for await (const e of reader.read()) out.push(e);
  return out[0]!.value as NdArray;
}

function comparable(array: NdArray): unknown[] {
  if (array.dtype === 'str') return strings(array as NdArray<'str'>);
  return Array.from(array.data as ArrayLike<unknown>, (v) =>
    typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v,
  );
}

function npyjsValues(parsed: { data: ArrayLike<unknown> }): unknown[] {
  return Array.from(parsed.data, (v) =>
    typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v,
  );
}

describe('npyjs agrees with us on numpy-written files', () => {
  test.each(SUPPORTED)('%s.npy', async (name) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, `${name}.npy`)));
    const theirs = parse(arrayBufferOf(bytes), { convertFloat16: false });
    const mine = await ours(bytes, `${name}.npy`);
    expect(theirs.shape).toEqual([...mine.shape]);
    expect(npyjsValues(theirs as unknown as { data: ArrayLike<unknown> })).toEqual(
      comparable(mine),
    );
  });
});

describe('npyjs reads what we write', () => {
  test.each(SUPPORTED)('%s', async (name) => {
    const original = await ours(
      new Uint8Array(fs.readFileSync(path.join(FIXTURES, `${name}.npy`))),
      `${name}.npy`,
    );
    const chunks: Uint8Array[] = [];
    await writeEntries(npyCodecImpl, [{ key: name, path: [name], value: original }], {
      name: 'mem',
      write: (c) => void chunks.push(c.slice()),
      close: async () => {},
      abort: async () => {},
    });
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const theirs = parse(arrayBufferOf(bytes), { convertFloat16: false });
    expect(theirs.shape).toEqual([...original.shape]);
    expect(npyjsValues(theirs as unknown as { data: ArrayLike<unknown> })).toEqual(
      comparable(original),
    );
  });
});
