/**
 * Runs in a real browser (bundled by browser.test.ts): @statekit/core and @statekit/pickle with
 * their browser builds. Reads a Python-written pickle and a torch.save file given as bytes,
 * refuses a hostile pickle, writes a pickle and reads it back; reports checksums.
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
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { pickle, torch } from '../../src/index.js';

declare global {
  interface Window {
    runSmoke(files: Uint8Array): Promise<unknown>;
  }
}

/** The fixtures arrive as one buffer: three 4-byte lengths, then the files. */
function split(files: Uint8Array): Uint8Array[] {
  const view = new DataView(files.buffer, files.byteOffset);
  const out: Uint8Array[] = [];
  let at = 12;
  for (let i = 0; i < 3; i++) {
    const n = view.getUint32(4 * i, true);
    out.push(files.subarray(at, at + n));
    at += n;
  }
  return out;
}

window.runSmoke = async (files) => {
  registerCodec(pickle, torch);
  const [pkl, pt, evil] = split(files);
  const read = async (bytes: Uint8Array, name: string) => {
    const reader = await openSource(bytesSource(bytes, name));
    const out: Record<string, string> = {};
    for await (const e of reader.read())
      if (isNdArray(e.value)) out[e.key] = await arraySha256(e.value);
    return out;
  };
  const refused = await openSource(bytesSource(evil!, 'evil.pkl')).then(
    () => 'read',
    (e: Error) => e.message,
  );
  const sink = memorySink('mem.pkl');
  await writeEntries(
    await pickle.load(),
    [entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55)))],
    sink,
  );
  await sink.close();
  return {
    fromPython: await read(pkl!, 'dtypes.p5.pkl'),
    fromTorch: await read(pt!, 'views.pt'),
    refused,
    written: await read(sink.bytes(), 'mem.pkl'),
    userAgent: navigator.userAgent,
  };
};
