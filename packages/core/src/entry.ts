import type { DType } from './dtype.js';
import type { Leaf } from './leaf.js';

/** Attribute values a format may attach to entries (HDF5 attributes, for instance). */
export type Attrs = Record<string, unknown>;

/**
 * One stored value. `path` lists the name parts as stored (`["E.V"]` for BrainPy's flat
 * dataset, `["net", "E", "V"]` for a nested tree); `key` is `path.join(".")`.
 */
export interface Entry {
  readonly key: string;
  readonly path: readonly string[];
  readonly value: Leaf;
  readonly attrs?: Attrs;
}

/** What a reader can say about an entry without decoding its data. */
export interface EntryInfo {
  readonly key: string;
  readonly path: readonly string[];
  /** The dtype for arrays; for scalar leaves the leaf kind (`int`, `float`, `str`, ...). */
  readonly kind: 'array' | 'scalar';
  readonly dtype: DType | 'int' | 'float' | 'str' | 'bool' | 'none' | 'bytes' | 'complex';
  /** Array shape; `[]` for scalars. */
  readonly shape: readonly number[];
  /** Bytes of array data (decoded), or of the scalar's encoding. */
  readonly byteLength: number;
  readonly attrs?: Attrs;
}

/** Joins path parts into a flat key. */
export function keyOf(path: readonly string[]): string {
  return path.join('.');
}

/** Makes an entry from a path and a value. */
export function entry(path: readonly string[], value: Leaf, attrs?: Attrs): Entry {
  return attrs === undefined
    ? { key: keyOf(path), path: [...path], value }
    : { key: keyOf(path), path: [...path], value, attrs };
}
