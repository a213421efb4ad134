import type { Codec } from '@statekit/core';
import { openHdf5 } from './hdf5-reader.js';
import { hdf5ContainerLossiness, hdf5Lossiness, writeHdf5 } from './hdf5-writer.js';

/** The HDF5 codec (h5wasm is loaded on first use). */
export const hdf5CodecImpl: Codec = {
  name: 'hdf5',
  // BrainPy's save_as_h5: create_dataset('duplicate_keys', data='+'.join(...)).
  brainpyAliases: 'joined',
  open: openHdf5,
  lossiness: hdf5Lossiness,
  containerLossiness: hdf5ContainerLossiness,
  write: writeHdf5,
};
