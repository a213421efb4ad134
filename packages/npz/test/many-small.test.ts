/**
 * Many small arrays, as a checkpoint of 20,000 layers has them: headers parsed once per
 * distinct text (and still checked against each call's limits), arrays packed into shared
 * buffers yet independent, members prefetched a bounded distance ahead.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_LIMITS,
  type NdArray,
  ndarray,
  openSource,
  registerCodec,
  saveStates,
} from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { describe, expect, test } from 'vitest';
import { npz } from '../src/index.js';
import { encodeNpyHeader, readNpyHeader } from '../src/npy.js';

registerCodec(npz);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-many-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

describe('NPY headers seen before', () => {
  test("parse to the same header, and a cached one still meets each call's maxRank", () => {
    const header = encodeNpyHeader(ndarray('float32', [2, 3, 4], new Float32Array(24)));
    const first = readNpyHeader(header);
    expect(readNpyHeader(header)).toEqual(first);
    expect(first).toMatchObject({ dtype: 'float32', shape: [2, 3, 4], dataLength: 96 });
    expect(() => readNpyHeader(header, { ...DEFAULT_LIMITS, maxRank: 2 })).toThrow(
      'rank 3 exceeds the limit maxRank=2',
    );
    expect(Object.isFrozen(first.shape)).toBe(true);
  });

  test('version 1 and 2 headers of the same dict keep their own lengths', () => {
    const v1 = encodeNpyHeader(ndarray('int8', [3], new Int8Array(3)));
    const text = v1.subarray(10);
    const v2 = new Uint8Array(12 + text.byteLength + 2);
    v2.set(v1.subarray(0, 6));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, text.byteLength + 2, true);
    v2.set(text, 12);
    v2.fill(0x20, 12 + text.byteLength - 1);
    v2[v2.length - 1] = 0x0a;
    expect(readNpyHeader(v1).headerLength).toBe(v1.byteLength);
    expect(readNpyHeader(v2)).toMatchObject({ headerLength: v2.byteLength, version: 2 });
  });
});

test('3,000 small arrays load with their own values, each independent of its neighbours', async () => {
  const state: Record<string, NdArray<'float32'>> = {};
  for (let i = 0; i < 3000; i++)
    state[`layer${i}.w`] = ndarray('float32', [5 + (i % 7)], new Float32Array(5 + (i % 7)).fill(i));
  state.big = ndarray('float32', [300_000], new Float32Array(300_000).fill(-1));
  const file = path.join(tmp, 'many.npz');
  await saveStates(state, atomicFileSink(file), { format: 'npz' });
  const reader = await openSource(fileSource(file));
  const loaded = new Map<string, NdArray<'float32'>>();
  for await (const e of reader.read()) loaded.set(e.key, e.value as NdArray<'float32'>);
  expect(loaded.size).toBe(3001);
  for (let i = 0; i < 3000; i++) {
    const a = loaded.get(`layer${i}.w`)!;
    expect(a.shape).toEqual([5 + (i % 7)]);
    expect(a.data.every((x) => x === i)).toBe(true);
    expect(a.data.byteOffset % 8).toBe(0);
  }
  // Packed arrays share buffers; writing one leaves its neighbours alone.
  loaded.get('layer0.w')!.data.fill(42);
  expect(loaded.get('layer1.w')!.data.every((x) => x === 1)).toBe(true);
  expect(loaded.get('big')!.data.every((x) => x === -1)).toBe(true);
});
