/**
 * @statekit/msgpack: flax / braintools msgpack checkpoints (`.msgpack`) and BrainPy's
 * `checkpoints.save_pytree` files (`.bp`). Register it with `registerCodec(msgpack)` from
 * `@statekit/core`.
 */
import type { CodecDescriptor } from '@statekit/core';
import { CONFIDENCE } from '@statekit/core/codec';
import { MSGPACK_WRITE_OPTIONS, type MsgpackWriteOptions } from './options.js';

declare module '@statekit/core' {
  interface CodecWriteOptions {
    /** The msgpack writer's options. */
    msgpack?: MsgpackWriteOptions;
  }
}

/**
 * msgpack has no magic: a flax checkpoint starts with a map (fixmap, map16, map32) or, for a
 * bare array, an ext. That is only `structure` confidence: the extension must agree.
 */
function sniffMsgpack(head: Uint8Array): number {
  const b = head[0];
  if (b === undefined) return CONFIDENCE.none;
  const map = (b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf;
  const ext = (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9);
  return map || ext ? CONFIDENCE.structure : CONFIDENCE.none;
}

/** The msgpack codec descriptor (`.msgpack`, `.bp`). */
export const msgpack: CodecDescriptor = {
  name: 'msgpack',
  extensions: ['.msgpack', '.bp'],
  sniff: sniffMsgpack,
  writeOptions: MSGPACK_WRITE_OPTIONS,
  load: async () => (await import('./msgpack-codec.js')).msgpackCodecImpl,
};

export { AsyncManager } from './async-manager.js';
export type { MsgpackWriteOptions } from './options.js';
export { type Mismatch, type PyTree, registerSerialization } from './state-dict.js';
