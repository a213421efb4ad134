/**
 * @statekit/npz: NumPy `.npy` and `.npz` files. Register the codecs with
 * `registerCodec(npz, npy)` from `@statekit/core`; the low-level NPY functions are exported too.
 */
import type { CodecDescriptor } from '@statekit/core';
import { isNpy } from './npy.js';

/** The .npz codec descriptor (ZIP of .npy members; detected by `PK\x03\x04` or `.npz`). */
export const npz: CodecDescriptor = {
  name: 'npz',
  extensions: ['.npz'],
  // Any ZIP: numpy's npz has no marker of its own. Other ZIP-based formats register before.
  sniff: (head) =>
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6),
  load: async () => (await import('./npz-codec.js')).npzCodecImpl,
};

/** The .npy codec descriptor (one array; detected by `\x93NUMPY` or `.npy`). */
export const npy: CodecDescriptor = {
  name: 'npy',
  extensions: ['.npy'],
  sniff: isNpy,
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
export { descrOf, type ResolvedDescr, resolveDescr } from './npy-descr.js';
export type { NpzWriteOptions } from './npz-codec.js';
export { npyLossiness, toStorableArray } from './to-array.js';
