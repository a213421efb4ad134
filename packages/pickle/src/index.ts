/**
 * @statekit/pickle: Python pickle files (`.pkl`, `.pickle`) read by a machine that never
 * executes code, and written so that Python's `pickle.load` reads them with numpy. Register
 * it with `registerCodec(pickle)` from `@statekit/core`.
 */
import type { CodecDescriptor } from '@statekit/core';
import { CONFIDENCE } from '@statekit/core/codec';
import {
  PICKLE_READ_OPTIONS,
  PICKLE_WRITE_OPTIONS,
  type PickleReadOptions,
  type PickleWriteOptions,
} from './options.js';
import { sniffTorch } from './torch-sniff.js';

declare module '@statekit/core' {
  interface CodecReadOptions {
    /** The pickle reader's options. */
    pickle?: PickleReadOptions;
  }
  interface CodecWriteOptions {
    /** The pickle writer's options. */
    pickle?: PickleWriteOptions;
  }
}

/** Opcodes a protocol 0-1 pickle of a state starts with: MARK, `}`, `]`, `)`, GLOBAL, DICT, LIST. */
const TEXT_PROTOCOL_STARTS = new Set([0x28, 0x7d, 0x5d, 0x29, 0x63, 0x64, 0x6c]);

/**
 * How sure the first bytes make it that a file is a pickle: PROTO 2-5 (`\x80\x02`..`\x80\x05`)
 * is the closest pickle has to magic; older protocols have none, so a likely first opcode is
 * only `structure` (the extension must agree).
 */
function sniffPickle(head: Uint8Array): number {
  if (head[0] === 0x80) return head[1]! >= 2 && head[1]! <= 5 ? CONFIDENCE.magic : CONFIDENCE.none;
  return TEXT_PROTOCOL_STARTS.has(head[0]!) ? CONFIDENCE.structure : CONFIDENCE.none;
}

/** The pickle codec descriptor (`.pkl`, `.pickle`). */
export const pickle: CodecDescriptor = {
  name: 'pickle',
  extensions: ['.pkl', '.pickle'],
  sniff: sniffPickle,
  readOptions: PICKLE_READ_OPTIONS,
  writeOptions: PICKLE_WRITE_OPTIONS,
  load: async () => (await import('./pickle-codec.js')).pickleCodecImpl,
};

/**
 * The PyTorch codec descriptor (`.pt`, `.pth`; any file `torch.save` wrote, by its marker):
 * state dicts and nested checkpoints read as `torch.load(weights_only=True)` allows, tensors as
 * arrays of their dtype. Read only.
 */
export const torch: CodecDescriptor = {
  name: 'torch',
  extensions: ['.pt', '.pth'],
  sniff: sniffTorch,
  readOnly: true,
  load: async () => (await import('./pickle-codec.js')).torchCodecImpl,
};

export type { CallContext, Reconstructor } from './allowlist.js';
export { ALLOWED_GLOBALS } from './allowlist.js';
export type {
  NumpyArray,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PyList,
  PySet,
  PyTuple,
  PyValue,
} from './model.js';
export type { PickleReadOptions, PickleWriteOptions } from './options.js';
