/**
 * What the pickle machine builds: Python values as plain data, never live objects. Leaves use
 * statekit's leaf types (bigint for `int`, number for `float`, Uint8Array for `bytes`,
 * `Complex`); containers and numpy values are the classes below. Nothing here can run code:
 * a global is only ever one of the allowlisted reconstructors.
 */
import type { Complex, DType } from '@statekit/core';
import type { ResolvedDescr } from '@statekit/core/codec';
import type { CallContext } from './allowlist.js';

/** Any value on the machine's stack. */
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | Complex
  | PyDict
  | PyList
  | PyTuple
  | PySet
  | NumpyArray
  | NumpyDtype
  | PyGlobal
  | TorchStorage
  | TorchTensor;

/**
 * The `bytes` values that were Python `bytearray`s (BYTEARRAY8, `bytearray(b'...')`): the same
 * Uint8Array leaf, remembered so that pkl -> pkl writes a bytearray back.
 */
const BYTEARRAYS = new WeakSet<Uint8Array>();

/** Marks `bytes` as a Python `bytearray`; returns it. */
export function asBytearray(bytes: Uint8Array): Uint8Array {
  BYTEARRAYS.add(bytes);
  return bytes;
}

export function isBytearray(value: PyValue): boolean {
  return value instanceof Uint8Array && BYTEARRAYS.has(value);
}

/** A dict or `collections.OrderedDict`: keys in insertion order, a later SETITEM replaces. */
export class PyDict {
  readonly keys: PyValue[] = [];
  readonly values: PyValue[] = [];
  private readonly index = new Map<unknown, number>();
  constructor(readonly ordered: boolean) {}

  set(key: PyValue, value: PyValue): void {
    const id = hashable(key);
    const at = id === undefined ? undefined : this.index.get(id);
    if (at !== undefined) {
      this.values[at] = value;
      return;
    }
    if (id !== undefined) this.index.set(id, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
  }
}

/** The identity Python's dict would use for a key, for the kinds that can repeat. */
function hashable(key: PyValue): unknown {
  if (typeof key === 'string') return `s${key}`;
  // Python: 1 == 1.0 == True hash alike; keep ints and bools apart from strings only.
  if (typeof key === 'bigint') return `i${key}`;
  if (typeof key === 'boolean') return `i${key ? 1 : 0}`;
  if (typeof key === 'number' && Number.isInteger(key)) return `i${key}`;
  if (key === null) return 'none';
  return undefined;
}

export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/**
 * A numpy dtype (`numpy.dtype('f4', False, True)` then BUILD with its state): `descr` is the
 * full dtype string once built (`<f4`, `>U7`); `problem` says why statekit will not read arrays
 * of it (object, structured, subarray dtypes).
 */
export class NumpyDtype {
  descr: string;
  problem: string | undefined;
  /** `descr` resolved, once per dtype (numpy memoizes one dtype for many arrays). */
  resolved: ResolvedDescr | undefined;
  constructor(readonly spec: string) {
    this.descr = spec;
  }
}

/**
 * A numpy array or numpy scalar. `data` holds its bytes in `dtype`'s byte order and the
 * given memory order, a view into the pickle where it can be; `problem` says why it is not
 * read (its entry is then listed as unsupported).
 */
export class NumpyArray {
  dtype: NumpyDtype | undefined;
  shape: number[] = [];
  fortranOrder = false;
  data: Uint8Array | undefined;
  problem: string | undefined;
  /** Built by `_reconstruct` and still waiting for its BUILD state. */
  pending: boolean;
  constructor(
    readonly scalar: boolean,
    pending: boolean,
  ) {
    this.pending = pending;
  }
}

/** An allowlisted global: `call` builds its result from the arguments, as plain data. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly call: (args: readonly PyValue[], context: CallContext) => PyValue,
  ) {}

  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * A PyTorch storage a `torch.save` pickle names by persistent id
 * (`('storage', torch.FloatStorage, key, location, numel)`): its bytes are the ZIP member
 * `<archive>/data/<key>`, `numel` elements of `dtype`.
 */
export class TorchStorage {
  constructor(
    readonly dtype: DType,
    readonly key: string,
    readonly numel: number,
  ) {}
}

/**
 * A tensor (`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`): a view of
 * its storage, `offset` elements in, with `shape` and element `stride`s.
 */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}
