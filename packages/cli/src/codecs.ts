import { registerCodec } from '@statekit/core';
import { hdf5 } from '@statekit/hdf5';
import { npy, npz } from '@statekit/npz';

/** Registers every codec the CLI ships with. */
export function registerBuiltinCodecs(): void {
  registerCodec(npz, npy, hdf5);
}
