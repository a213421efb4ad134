import {
  bytesArray,
  Complex,
  type Container,
  type Entry,
  type EntryInfo,
  isNdArray,
  type NdArray,
  ndarray,
  SparseMatrix,
  StatekitError,
  StreamedArray,
  strArray,
} from '@statekit/core';
import { widenBfloat16 } from '@statekit/core/codec';

/**
 * Why NumPy files cannot hold an entry exactly (empty when they can). Used by both the .npz
 * and .npy writers; {@link toStorableArray} performs the conversion each reason describes.
 */
export function npyLossiness(info: EntryInfo): string[] {
  const reasons: string[] = [];
  if (info.path.length > 1) {
    reasons.push('a nested path is stored under its dotted name: the nesting is lost');
  } else if (typeof info.path[0] === 'number') {
    reasons.push('an integer key is stored as a name');
  }
  const attrs = Object.keys(info.attrs ?? {});
  if (attrs.length > 0) {
    reasons.push(`its attributes (${attrs.join(', ')}) are dropped: NumPy files have none`);
  }
  if (info.numpyScalar) reasons.push('a numpy scalar is stored as a 0-d array');
  if (info.kind === 'sparse') {
    reasons.push('a sparse matrix has no NumPy file form here: the entry is skipped');
    return reasons;
  }
  switch (info.dtype) {
    case 'bfloat16':
      reasons.push(
        'numpy has no bfloat16 without ml_dtypes: stored as float32 (values exact, dtype changes)',
      );
      break;
    case 'float':
      reasons.push('a float scalar is stored as a 0-d float64 array');
      break;
    case 'int':
      reasons.push('an int scalar is stored as a 0-d int64 array');
      break;
    case 'bool':
      if (info.kind === 'scalar') reasons.push('a bool scalar is stored as a 0-d bool array');
      break;
    case 'str':
      if (info.kind === 'scalar') reasons.push('a str scalar is stored as a 0-d <U array');
      break;
    case 'bytes':
      if (info.kind === 'scalar')
        reasons.push('a bytes scalar is stored as a 0-d |S array (trailing NULs are lost)');
      break;
    case 'complex':
      reasons.push('a complex scalar is stored as a 0-d complex128 array');
      break;
    case 'none':
      reasons.push('None cannot be stored without pickle: the entry is skipped');
      break;
  }
  return reasons;
}

/**
 * Why NumPy files cannot hold a container exactly: they have none, so members are named by
 * dotted paths (the entries' own reasons say so), and what only the container carries is lost.
 */
export function npyContainerLossiness(c: Container): string[] {
  const reasons: string[] = [];
  const attrs = Object.keys(c.attrs ?? {});
  if (attrs.length > 0) {
    reasons.push(`the group's attributes (${attrs.join(', ')}) are dropped: NumPy files have none`);
  }
  if (c.children.length === 0 && c.path.length > 0) {
    reasons.push(`an empty ${c.kind} has no member to be stored as: it is dropped`);
  }
  if (c.kind !== 'group' && c.kind !== 'dict') {
    reasons.push(`the ${c.kind} becomes dotted member names: that it was a ${c.kind} is lost`);
  }
  if (c.shape !== undefined) reasons.push(`its shape (${c.shape.join(', ')}) is dropped`);
  return reasons;
}

/**
 * The array a NumPy file stores for `e` (converting as {@link npyLossiness} says), or
 * undefined for entries that are skipped (None).
 */
export function toStorableArray(e: Entry): NdArray | StreamedArray | undefined {
  const v = e.value;
  if (v instanceof StreamedArray) return storableStream(v);
  if (isNdArray(v)) {
    const array = widenBfloat16(v) as NdArray;
    return array.scalar ? { ...array, scalar: false } : array;
  }
  if (v === null || v instanceof SparseMatrix) return undefined;
  if (typeof v === 'number') return ndarray('float64', [], Float64Array.of(v));
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) {
      throw new StatekitError('unsupported', `integer ${v} does not fit int64`, { key: e.key });
    }
    return ndarray('int64', [], BigInt64Array.of(v));
  }
  if (typeof v === 'boolean') return ndarray('bool', [], Uint8Array.of(v ? 1 : 0));
  if (typeof v === 'string') return strArray([v], []);
  if (v instanceof Complex) return ndarray('complex128', [], Float64Array.of(v.re, v.im));
  if (v instanceof Uint8Array) return bytesArray([v], []);
  throw new StatekitError('unsupported', 'value cannot be stored in a NumPy file', { key: e.key });
}

/** A streamed array as NumPy stores it: bfloat16 widened to float32 slice by slice. */
function storableStream(v: StreamedArray): StreamedArray {
  const wide = widenBfloat16(v) as StreamedArray;
  return wide.scalar
    ? new StreamedArray(wide.dtype, wide.shape, wide.itemSize, () => wide.slices())
    : wide;
}
