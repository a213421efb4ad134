/**
 * @statekit/npz: NumPy `.npy` and `.npz` files. Register the codecs with
 * `registerCodec(npz, npy)` from `@statekit/core`; the low-level NPY functions are exported too.
 */
import type { CodecDescriptor } from '@statekit/core';
import { CONFIDENCE } from '@statekit/core/codec';
import { isNpy } from './npy.js';
import { NPZ_WRITE_OPTIONS, type NpzWriteOptions } from './options.js';

declare module '@statekit/core' {
  interface CodecWriteOptions {
    /** The npz writer's options. */
    npz?: NpzWriteOptions;
  }
}

/** A ZIP local header or empty-archive end record (`PK\x03\x04`, `PK\x05\x06`). */
function isZip(head: Uint8Array): boolean {
  return (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  );
}

/** The .npz codec descriptor (ZIP of .npy members; detected by `PK\x03\x04` or `.npz`). */
export const npz: CodecDescriptor = {
  name: 'npz',
  extensions: ['.npz'],
  // Any ZIP, at magic strength: numpy's npz has no marker of its own, so a ZIP-based format
  // with one (PyTorch's `data.pkl`) outranks it with CONFIDENCE.marker.
  sniff: (head) => (isZip(head) ? CONFIDENCE.magic : CONFIDENCE.none),
  writeOptions: NPZ_WRITE_OPTIONS,
  load: async () => (await import('./npz-codec.js')).npzCodecImpl,
};

/** The .npy codec descriptor (one array; detected by `\x93NUMPY` or `.npy`). */
export const npy: CodecDescriptor = {
  name: 'npy',
  extensions: ['.npy'],
  sniff: (head) => (isNpy(head) ? CONFIDENCE.magic : CONFIDENCE.none),
  load: async () => (await import('./npy-codec.js')).npyCodecImpl,
};

export {
  checkDataLength,
  decodeNpyData,
  encodeNpyHeader,
  isNpy,
  NPY_MAGIC,
  type NpyHeader,
  npyHeaderLength,
  readNpyHeader,
  readNpyHeaderFrom,
} from './npy.js';
export type { NpzWriteOptions } from './options.js';
export { npyContainerLossiness, npyLossiness, toStorableArray } from './to-array.js';
