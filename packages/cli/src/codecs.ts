import { registerCodec } from '@statekit/core';
import { hdf5 } from '@statekit/hdf5';
import { msgpack } from '@statekit/msgpack';
import { npy, npz } from '@statekit/npz';
import { pickle, torch } from '@statekit/pickle';

/** Registers every codec the CLI ships with. */
export function registerBuiltinCodecs(): void {
  registerCodec(npz, npy, hdf5, pickle, torch, msgpack);
}
