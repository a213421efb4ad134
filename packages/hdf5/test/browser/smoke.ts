/**
 * Runs in a real browser (bundled by browser.test.ts): @statekit/hdf5 on h5wasm's browser
 * build (MEMFS). Reads an h5py-written file given as bytes, writes every kind of entry into
 * memory and reads it back, and reports checksums.
 */
import {
  arraySha256,
  bytesSource,
  entry,
  isNdArray,
  memorySink,
  ndarray,
  openSource,
  registerCodec,
  strArray,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { hdf5 } from '../../src/index.js';

declare global {
  interface Window {
    runSmoke(fixture: Uint8Array): Promise<unknown>;
  }
}

window.runSmoke = async (fixture) => {
  registerCodec(hdf5);
  const read = async (bytes: Uint8Array, name: string) => {
    const reader = await openSource(bytesSource(bytes, name));
    const out: Record<string, string> = {};
    for await (const e of reader.read())
      if (isNdArray(e.value)) out[e.key] = await arraySha256(e.value);
    await reader.close();
    return out;
  };
  const fromH5py = await read(fixture, 'big-endian.h5');
  const codec = await hdf5.load();
  const sink = memorySink('mem.h5');
  await writeEntries(
    codec,
    [
      entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55))),
      entry(['spike'], ndarray('bool', [2], Uint8Array.of(1, 0))),
      entry(['net', 'w'], ndarray('complex64', [1], Float32Array.of(1, -1))),
      entry(['s'], strArray(['日本', 'x'])),
    ],
    sink,
  );
  await sink.close();
  return { fromH5py, written: await read(sink.bytes(), 'mem.h5') };
};
