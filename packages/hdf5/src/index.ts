/**
 * @statekit/hdf5: HDF5 files (h5py, BrainPy `.h5`): statekit's own reader and writer for
 * h5py's default layout, h5wasm for the rest. Register with `registerCodec(hdf5)` from
 * `@statekit/core`; the codec (and h5wasm) load on first use.
 */
import type { CodecDescriptor } from '@statekit/core';
import { CONFIDENCE } from '@statekit/core/codec';
import {
  HDF5_READ_OPTIONS,
  HDF5_WRITE_OPTIONS,
  type Hdf5ReadOptions,
  type Hdf5WriteOptions,
} from './options.js';

declare module '@statekit/core' {
  interface CodecReadOptions {
    /** The HDF5 reader's options. */
    hdf5?: Hdf5ReadOptions;
  }
  interface CodecWriteOptions {
    /** The HDF5 writer's options. */
    hdf5?: Hdf5WriteOptions;
  }
}

/** Offset of the HDF5 signature (0, or after a 512/1024/2048-byte user block), or -1. */
function signatureAt(head: Uint8Array): number {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (const at of [0, 512, 1024, 2048]) if (sig.every((b, i) => head[at + i] === b)) return at;
  return -1;
}

/**
 * The HDF5 codec descriptor (`.h5`, `.hdf5`; detected by the HDF5 signature, at magic
 * strength: a format built on HDF5 with a marker of its own, MAT v7.3, outranks it).
 */
export const hdf5: CodecDescriptor = {
  name: 'hdf5',
  extensions: ['.h5', '.hdf5', '.he5'],
  sniff: (head) => (signatureAt(head) >= 0 ? CONFIDENCE.magic : CONFIDENCE.none),
  readOptions: HDF5_READ_OPTIONS,
  writeOptions: HDF5_WRITE_OPTIONS,
  load: async () => (await import('./hdf5-codec.js')).hdf5CodecImpl,
};

export { DTYPE_ATTR } from './h5-types.js';
export { type Hdf5Handle, withHdf5 } from './hdf5-reader.js';
export type { Hdf5ReadOptions, Hdf5WriteOptions } from './options.js';
