import { isNdArray, type NdArray } from './ndarray.js';
import { StreamedArray } from './streamed-array.js';

/** A complex scalar (Python `complex`). */
export class Complex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

/**
 * A sparse matrix in compressed sparse column form (MATLAB's and scipy's `csc_matrix`): the
 * nonzero `values` of column `j` are `values[colStart[j]:colStart[j+1]]`, in rows
 * `rowIndex[colStart[j]:colStart[j+1]]`. One leaf, so `diff` and `loadStates` treat it as one
 * value.
 */
export class SparseMatrix {
  constructor(
    /** `[rows, columns]`. */
    readonly shape: readonly [number, number],
    /** The stored values (any numeric, bool or complex dtype), 1-d. */
    readonly values: NdArray,
    /** Row of each stored value (int32 or int64), 1-d, as long as `values`. */
    readonly rowIndex: NdArray,
    /** Where each column starts in `values` (columns + 1 positions). */
    readonly colStart: NdArray,
  ) {}
}

/**
 * A value stored under one key: an array (whole, or in slices when a reader was asked to
 * stream large ones), or a scalar leaf. `number` is a float (Python
 * `float`), `bigint` an integer (Python `int`), `Uint8Array` raw bytes (Python `bytes`).
 */
export type Leaf =
  | NdArray
  | StreamedArray
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | Complex
  | SparseMatrix;

/** The kind of a leaf, with the dtype names the CLI shows for scalars. */
export type LeafKind =
  | 'array'
  | 'sparse'
  | 'int'
  | 'float'
  | 'str'
  | 'bool'
  | 'none'
  | 'bytes'
  | 'complex';

/** Classifies a leaf; throws TypeError for values that are not leaves. */
export function leafKind(value: Leaf): LeafKind {
  if (value === null) return 'none';
  switch (typeof value) {
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
  }
  if (value instanceof Complex) return 'complex';
  if (value instanceof SparseMatrix) return 'sparse';
  if (isNdArray(value) || value instanceof StreamedArray) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  throw new TypeError(`not a state leaf: ${Object.prototype.toString.call(value)}`);
}

/** True when `value` can be stored as a leaf. */
export function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    value instanceof Complex ||
    value instanceof SparseMatrix ||
    isNdArray(value) ||
    value instanceof StreamedArray ||
    value instanceof Uint8Array
  );
}
