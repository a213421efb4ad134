/**
 * The child side of `pnpm fuzz`: reads mutant paths (one per line on stdin), and for each does
 * what a user's `statekit ls --json --sha256` and `convert` would (every codec registered: list,
 * read and hash every entry, containers, convert to npz, HDF5, pickle and msgpack in memory with lossy
 * conversion allowed), then prints one JSON line: `{"i", "outcome": "listing" | "typed" |
 * "untyped", "tag"?, "message"?}`. The parent bounds time and memory and reads stderr.
 */
import * as readline from 'node:readline';
import {
  arraySha256,
  convert,
  isNdArray,
  isStatekitError,
  memorySink,
  openSource,
  registerCodec,
  StreamedArray,
} from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { msgpack } from '@statekit/msgpack';
import { npy, npz } from '@statekit/npz';
import { pickle, torch } from '@statekit/pickle';

registerCodec(npz, npy, hdf5, pickle, torch, msgpack);

/** Arrays read in slices are hashed up to this size. */
const MAX_STREAMED_BYTES = 256 << 20;

async function exercise(file: string): Promise<void> {
  const source = fileSource(file);
  try {
    // Whole arrays, then every array in slices (the path ls --sha256 takes for large ones).
    for (const streamAbove of [undefined, 0]) {
      const reader = await openSource(source, { streamAbove });
      try {
        await reader.list();
        await reader.containers?.();
        for await (const e of reader.read()) {
          const v = e.value;
          // What a mutant declares beyond this is listed, not hashed: its time is its size.
          if (v instanceof StreamedArray && v.byteLength > MAX_STREAMED_BYTES) continue;
          if (isNdArray(v) || v instanceof StreamedArray) await arraySha256(v);
        }
      } finally {
        await reader.close();
      }
    }
    for (const to of ['npz', 'hdf5', 'pickle', 'msgpack']) {
      const read = { streamAbove: 1024 }; // small arrays whole, the rest written from slices
      await convert(source, memorySink(`out.${to}`), { to, read, write: { allowLossy: true } });
    }
  } finally {
    await source.close();
  }
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [i, file] = JSON.parse(line) as [number, string];
  try {
    await exercise(file);
    console.log(JSON.stringify({ i, outcome: 'listing' }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(
      JSON.stringify(
        isStatekitError(error)
          ? { i, outcome: 'typed', tag: error.tag }
          : {
              i,
              outcome: 'untyped',
              message: `${(error as Error)?.name}: ${message}`.slice(0, 300),
            },
      ),
    );
  }
}
