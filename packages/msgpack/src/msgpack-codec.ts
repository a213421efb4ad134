import type { Codec } from '@statekit/core';
import { msgpackContainerLossiness, msgpackLossiness } from './lossiness.js';
import { openMsgpack } from './msgpack-reader.js';
import { writeMsgpack } from './msgpack-writer.js';

/** The msgpack (flax / braintools) codec. */
export const msgpackCodecImpl: Codec = {
  name: 'msgpack',
  open: openMsgpack,
  lossiness: msgpackLossiness,
  containerLossiness: msgpackContainerLossiness,
  write: writeMsgpack,
};
