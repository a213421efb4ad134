import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { isStatekitError, memorySink } from '../src/index.js';
import { atomicFileSink } from '../src/node/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-sinks-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** 6 MiB of a known pattern, written as a small chunk, a large one and a small one. */
function chunks(): Uint8Array[] {
  const big = new Uint8Array(6 << 20).map((_, i) => i % 251);
  return [Uint8Array.of(1, 2, 3, 4), big, Uint8Array.of(5, 6, 7, 8)];
}

describe('sinks patch bytes already written (HDF5 writes its superblock last)', () => {
  test('memorySink applies patches over what was written, in order', async () => {
    const sink = memorySink();
    for (const c of chunks()) await sink.write(c);
    sink.patch!(0, Uint8Array.of(9, 9));
    sink.patch!((6 << 20) + 6, Uint8Array.of(42, 43));
    sink.patch!(1, Uint8Array.of(8));
    await sink.close();
    const out = sink.bytes();
    expect(out.length).toBe((6 << 20) + 8);
    expect(Array.from(out.subarray(0, 6))).toEqual([9, 8, 3, 4, 0, 1]);
    expect(Array.from(out.subarray(out.length - 4))).toEqual([5, 6, 42, 43]);
    expect(() => sink.patch!(out.length - 1, Uint8Array.of(1, 2))).toThrow(RangeError);
  });

  test('atomicFileSink patches both flushed and still-buffered bytes', async () => {
    const file = path.join(tmp, 'patched.bin');
    const sink = atomicFileSink(file);
    for (const c of chunks()) await sink.write(c);
    await sink.patch!(0, Uint8Array.of(9, 9)); // on disk already
    await sink.patch!((6 << 20) + 6, Uint8Array.of(42, 43)); // still in the buffer
    await sink.write(Uint8Array.of(10));
    const past = await Promise.resolve()
      .then(() => sink.patch!((6 << 20) + 8, Uint8Array.of(1, 2)))
      .catch((e: unknown) => e);
    expect(isStatekitError(past) && past.tag).toBe('io');
    await sink.abort(); // as writers' callers do on failure: no file, no temporary left
    expect(fs.readdirSync(tmp)).toEqual([]);
    const again = atomicFileSink(file);
    for (const c of chunks()) await again.write(c);
    await again.patch!(2, Uint8Array.of(7));
    await again.write(Uint8Array.of(10));
    await again.close();
    const out = fs.readFileSync(file);
    expect(out.length).toBe((6 << 20) + 9);
    expect(Array.from(out.subarray(0, 5))).toEqual([1, 2, 7, 4, 0]);
    expect(out[100 + 4]).toBe(100 % 251);
    expect(Array.from(out.subarray(out.length - 5))).toEqual([5, 6, 7, 8, 10]);
  });
});
