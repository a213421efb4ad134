import type { Codec } from '@statekit/core';
import { pickleContainerLossiness, pickleLossiness } from './lossiness.js';
import { openPickle } from './pickle-reader.js';
import { writePickle } from './pickle-writer.js';

/** The pickle codec. */
export const pickleCodecImpl: Codec = {
  name: 'pickle',
  open: openPickle,
  lossiness: pickleLossiness,
  containerLossiness: pickleContainerLossiness,
  write: writePickle,
};
