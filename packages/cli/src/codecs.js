import { registerCodec } from '@statekit/core';
import { npy, npz } from '@statekit/npz';
/** Registers every codec the CLI ships with. */
export function registerBuiltinCodecs() {
  registerCodec(npz, npy);
}
//# sourceMappingURL=codecs.js.map
