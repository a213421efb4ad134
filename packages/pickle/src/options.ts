import type { Reconstructor } from './allowlist.js';

/** The pickle reader's options (`{ pickle: { ... } }` in read options). */
export interface PickleReadOptions {
  /**
   * Extra globals to allow, by `module.name`, each rebuilding plain data from its arguments
   * (like braintools' `msgpack_register_serialization`). Nothing else ever resolves.
   */
  reconstructors?: ReadonlyMap<string, Reconstructor>;
}

/** The pickle writer's options (`{ pickle: { ... } }` in write options). */
export interface PickleWriteOptions {
  /** Pickle protocol: 2, 3, 4 (default, as BrainPy 2.x on Python 3.8+ writes) or 5. */
  protocol?: 2 | 3 | 4 | 5;
}

export const PICKLE_READ_OPTIONS = ['reconstructors'] as const;
export const PICKLE_WRITE_OPTIONS = ['protocol'] as const;
