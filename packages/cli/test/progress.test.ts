import * as path from 'node:path';
import { convert, ndarray, registerCodec } from '@statekit/core';
import { atomicFileSink, fileSource, saveStates } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { npz } from '@statekit/npz';
import { expect, test } from 'vitest';
import { PROGRESS_THRESHOLD, progressBar } from '../src/progress.js';
import { tempDir } from './helpers.js';

/** A stand-in for stderr that records what is written. */
function stream(isTTY: boolean): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, written, write: (s: string) => written.push(s) > 0 } as never;
}

test('draws by bytes on a terminal, throttled, and ends its line', () => {
  const tty = stream(true);
  const bar = progressBar('converting x', tty);
  const total = 4 * PROGRESS_THRESHOLD;
  bar.update(total / 4, total);
  bar.update(total / 2, total); // within 100 ms of the last draw: skipped
  bar.update(total, total); // the end is always drawn
  bar.finish();
  expect(tty.written).toEqual([
    '\rconverting x [########----------------------]  25% 95.4 MiB/381.5 MiB',
    '\rconverting x [##############################] 100% 381.5 MiB/381.5 MiB',
    '\n',
  ]);
});

test('silent in a pipe, under --json (null), and for small jobs', () => {
  const pipe = stream(false);
  const small = stream(true);
  for (const [s, total] of [
    [pipe, PROGRESS_THRESHOLD],
    [small, PROGRESS_THRESHOLD - 1],
  ] as const) {
    const bar = progressBar('x', s);
    bar.update(total, total);
    bar.finish();
  }
  const quiet = progressBar('x', null);
  quiet.update(PROGRESS_THRESHOLD, PROGRESS_THRESHOLD);
  quiet.finish();
  expect([pipe.written, small.written]).toEqual([[], []]);
});

test('convert reports progress slice by slice through one large array', async () => {
  registerCodec(npz, hdf5);
  const dir = tempDir();
  const input = path.join(dir, 'one.npz');
  const n = 10 << 20; // 40 MiB of float32: three 16 MiB slices
  await saveStates({ w: ndarray('float32', [n], new Float32Array(n)) }, input);
  const calls: [number, number][] = [];
  const source = fileSource(input);
  await convert(source, atomicFileSink(path.join(dir, 'one.h5')), {
    to: 'hdf5',
    read: { streamAbove: 1 << 20 },
    onProgress: (done, total) => calls.push([done, total]),
  });
  await source.close();
  expect(calls).toEqual([
    [16 << 20, 4 * n],
    [32 << 20, 4 * n],
    [4 * n, 4 * n],
  ]);
});
