import type { Entry, EntryInfo } from './entry.js';
import { Complex, type Leaf, leafKind, SparseMatrix } from './leaf.js';
import { bytesOf, isNdArray } from './ndarray.js';
import { StreamedArray } from './streamed-array.js';

/** Describes an entry (with its value in hand) as a reader's `list()` would. */
export function infoOf(e: Entry): EntryInfo {
  const v = e.value;
  if (isNdArray(v) || v instanceof StreamedArray) {
    // Plain literals, no spreads: plans of 20,000 entries are built on every save.
    const byteLength = v instanceof StreamedArray ? v.byteLength : v.data.byteLength;
    const info: { -readonly [K in keyof EntryInfo]: EntryInfo[K] } = {
      key: e.key,
      path: e.path,
      kind: 'array',
      dtype: v.dtype,
      shape: v.shape,
      byteLength,
    };
    if (v.scalar) info.numpyScalar = true;
    if (e.attrs !== undefined) info.attrs = e.attrs;
    if (e.hints !== undefined) info.hints = e.hints;
    return info;
  }
  const base = {
    key: e.key,
    path: e.path,
    ...(e.attrs === undefined ? {} : { attrs: e.attrs }),
    ...(e.hints === undefined ? {} : { hints: e.hints }),
  };
  if (v instanceof SparseMatrix) {
    const parts = [v.values, v.rowIndex, v.colStart];
    const byteLength = parts.reduce((n, p) => n + bytesOf(p).byteLength, 0);
    return { ...base, kind: 'sparse', dtype: v.values.dtype, shape: v.shape, byteLength };
  }
  const kind = leafKind(v);
  return {
    ...base,
    kind: 'scalar',
    dtype: kind as Exclude<typeof kind, 'array' | 'sparse'>,
    shape: [],
    byteLength: scalarByteLength(v),
  };
}

const utf8 = new TextEncoder();

/**
 * Bytes of a scalar leaf's value: a str's UTF-8, bytes' length, 16 for a complex (two
 * float64), 8 for an int or float, 1 for a bool, 0 for None.
 */
export function scalarByteLength(v: Leaf): number {
  if (typeof v === 'string') return utf8.encode(v).byteLength;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Complex) return 16;
  if (typeof v === 'boolean') return 1;
  return v === null ? 0 : 8;
}
