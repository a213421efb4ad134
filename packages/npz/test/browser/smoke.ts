/**
 * Runs in a real browser (bundled by browser.test.ts): @statekit/core and @statekit/npz with
 * their browser builds (fflate, WebCrypto). Reads a numpy-written npz given as bytes, writes
 * every dtype stored and deflated, reads it back, and reports checksums.
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
import { npz } from '../../src/index.js';

declare global {
  interface Window {
    runSmoke(fixture: Uint8Array): Promise<unknown>;
  }
}

window.runSmoke = async (fixture) => {
  registerCodec(npz);
  const read = async (bytes: Uint8Array, name: string) => {
    const reader = await openSource(bytesSource(bytes, name));
    const out: Record<string, string> = {};
    for await (const e of reader.read())
      if (isNdArray(e.value)) out[e.key] = await arraySha256(e.value);
    return out;
  };
  const fromNumpy = await read(fixture, 'dtypes.compressed.npz');
  const codec = await npz.load();
  const written: Record<string, Record<string, string>> = {};
  for (const compress of [false, true]) {
    const sink = memorySink('mem.npz');
    await writeEntries(
      codec,
      [
        entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55))),
        entry(['i8'], ndarray('int64', [2], BigInt64Array.of(-1n, 2n ** 62n))),
        entry(['s'], strArray(['日本', 'x'])),
        entry(['zeros'], ndarray('float64', [1000], new Float64Array(1000))),
      ],
      sink,
      { npz: { compress } },
    );
    await sink.close();
    written[String(compress)] = await read(sink.bytes(), 'mem.npz');
  }
  return { fromNumpy, written, userAgent: navigator.userAgent };
};
