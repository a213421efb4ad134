/**
 * The child side of `pnpm fuzz`: reads mutant paths (one per line on stdin), and for each does
 * what a user's `statekit ls --json --sha256` and `convert` would (every codec registered: list,
 * read and hash every entry, containers, convert to npz and to HDF5 in memory with lossy
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
} from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { npy, npz } from '@statekit/npz';

registerCodec(npz, npy, hdf5);

async function exercise(file: string): Promise<void> {
  const source = fileSource(file);
  try {
    const reader = await openSource(source);
    try {
      await reader.list();
      await reader.containers?.();
      for await (const e of reader.read()) if (isNdArray(e.value)) await arraySha256(e.value);
    } finally {
      await reader.close();
    }
    for (const to of ['npz', 'hdf5']) {
      await convert(source, memorySink(`out.${to}`), { to, write: { allowLossy: true } });
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
