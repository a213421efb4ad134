import type { Entry, EntryInfo } from './entry.js';
import { leafKind } from './leaf.js';
import { bytesOf, isNdArray } from './ndarray.js';

/** Describes an entry (with its value in hand) as a reader's `list()` would. */
export function infoOf(e: Entry): EntryInfo {
  const v = e.value;
  const base =
    e.attrs === undefined
      ? { key: e.key, path: e.path }
      : { key: e.key, path: e.path, attrs: e.attrs };
  if (isNdArray(v)) {
    return {
      ...base,
      kind: 'array',
      dtype: v.dtype,
      shape: v.shape,
      byteLength: bytesOf(v).byteLength,
    };
  }
  const kind = leafKind(v);
  const byteLength =
    typeof v === 'string'
      ? new TextEncoder().encode(v).byteLength
      : v instanceof Uint8Array
        ? v.byteLength
        : 8;
  return {
    ...base,
    kind: 'scalar',
    dtype: kind === 'array' ? 'none' : kind,
    shape: [],
    byteLength,
  };
}
