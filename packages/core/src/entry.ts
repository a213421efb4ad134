import type { DType } from './dtype.js';
import type { Leaf } from './leaf.js';

/**
 * One step of a path: a name, or an integer (a list index, a cell subscript, a Python `int`
 * dict key). `["net", "layers", 0, "w"]` is `net.layers.0.w` in the flat view.
 */
export type PathPart = string | number;

/** Attribute values a format stores with an entry or a container (HDF5 attributes). */
export type Attrs = Record<string, unknown>;

/**
 * A codec's private notes about how something was stored (e.g. HDF5's `statekit_dtype`
 * convention), kept apart from {@link Attrs}: hints are never written into any file, so a
 * conversion cannot carry a stale one forward.
 */
export type Hints = Readonly<Record<string, unknown>>;

/**
 * One stored value. `path` lists the name parts as stored (`["E.V"]` for BrainPy's flat
 * dataset, `["net", "E", "V"]` for a nested tree); `key` is `path.join(".")`.
 */
export interface Entry {
  readonly key: string;
  readonly path: readonly PathPart[];
  readonly value: Leaf;
  /** The format's own attributes of this value; writers that can store them do. */
  readonly attrs?: Attrs;
  /** How the reader found the value stored; never written. */
  readonly hints?: Hints;
}

/** What a reader can say about an entry without decoding its data. */
export interface EntryInfo {
  readonly key: string;
  readonly path: readonly PathPart[];
  /**
   * `array` for n-d arrays (numpy scalars too, with `numpyScalar`), `scalar` for Python
   * scalars, `sparse` for a sparse matrix, `unsupported` for a value statekit recognises but
   * does not read (an object array, a compound type): `problem` says why, and reading it is an
   * `unsupported` StatekitError. One such entry does not stop the rest of a file from listing.
   */
  readonly kind: 'array' | 'scalar' | 'sparse' | 'unsupported';
  /** The dtype for arrays and sparse matrices; for scalar leaves the leaf kind. */
  readonly dtype: DType | 'int' | 'float' | 'str' | 'bool' | 'none' | 'bytes' | 'complex';
  /** Array (or sparse matrix) shape; `[]` for scalars. */
  readonly shape: readonly number[];
  /** Bytes of array data (decoded), or of the scalar's encoding. */
  readonly byteLength: number;
  /** A numpy scalar (`np.float32(1)`), not a 0-d array. */
  readonly numpyScalar?: boolean;
  /** Why statekit does not read it (kind `unsupported`). */
  readonly problem?: string;
  readonly attrs?: Attrs;
  readonly hints?: Hints;
}

/** Joins path parts into a flat key. */
export function keyOf(path: readonly PathPart[]): string {
  return path.join('.');
}

/** Makes an entry from a path and a value. */
export function entry(path: readonly PathPart[], value: Leaf, attrs?: Attrs, hints?: Hints): Entry {
  const base = { key: keyOf(path), path: [...path], value };
  const withAttrs = attrs === undefined ? base : { ...base, attrs };
  return hints === undefined ? withAttrs : { ...withAttrs, hints };
}

/**
 * The info of an entry a reader cannot read because of `error` (an `unsupported`
 * StatekitError): listed with its problem, so the rest of the file lists, converts and loads.
 * Returns undefined for any other error, which the caller rethrows.
 */
export function unsupportedInfo(
  path: readonly PathPart[],
  error: unknown,
  shape: readonly number[] = [],
): EntryInfo | undefined {
  if (!(error instanceof Error) || (error as { tag?: string }).tag !== 'unsupported')
    return undefined;
  const problem = (error as Error & { detail?: string }).detail ?? error.message;
  return {
    key: keyOf(path),
    path,
    kind: 'unsupported',
    dtype: 'none',
    shape,
    byteLength: 0,
    problem,
  };
}
