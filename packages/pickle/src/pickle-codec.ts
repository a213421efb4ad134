import { type Codec, StatekitError } from '@statekit/core';
import { pickleContainerLossiness, pickleLossiness } from './lossiness.js';
import { openPickle } from './pickle-reader.js';
import { writePickle } from './pickle-writer.js';
import { openTorch } from './torch-reader.js';

/** The pickle codec. */
export const pickleCodecImpl: Codec = {
  name: 'pickle',
  open: openPickle,
  lossiness: pickleLossiness,
  containerLossiness: pickleContainerLossiness,
  write: writePickle,
};

/** PyTorch `torch.save` files: read only (write `.pkl` or `.npz` instead). */
export const torchCodecImpl: Codec = {
  name: 'torch',
  open: openTorch,
  lossiness: () => [],
  containerLossiness: () => [],
  async write(_plan, _entries, sink) {
    throw new StatekitError(
      'unsupported',
      'writing PyTorch files is not supported: write .pkl (pickle) or .npz instead',
      { file: sink.name },
    );
  },
};
