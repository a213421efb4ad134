import type { Leaf } from './leaf.js';

/**
 * A model variable: a mutable holder of a state value, like BrainPy's `bm.Variable`.
 * `saveStates` saves `.value`; `loadStates` replaces it. A variable reachable from a model by
 * several paths is one variable: it is saved and loaded once.
 */
export class Variable<T extends Leaf = Leaf> {
  value: T;
  /** True for trainable parameters (BrainPy's `TrainVar`). */
  readonly trainable: boolean;

  constructor(value: T, options: { trainable?: boolean } = {}) {
    this.value = value;
    this.trainable = options.trainable ?? false;
  }
}

/** A trainable variable (BrainPy's `bm.TrainVar`). */
export class TrainVar<T extends Leaf = Leaf> extends Variable<T> {
  constructor(value: T) {
    super(value, { trainable: true });
  }
}
