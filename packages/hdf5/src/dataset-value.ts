import {
  type Attrs,
  Complex,
  type Entry,
  type EntryInfo,
  elementCount,
  entry,
  type Hints,
  isDType,
  type Leaf,
  type NdArray,
  ndarray,
  type PathPart,
  strArray,
} from '@statekit/core';
import { unsupportedInfo, viewAs } from '@statekit/core/codec';
import { DTYPE_ATTR, type Mapped, mapType, STORED_AS, type TypeMeta } from './h5-types.js';

/** How a dataset's bytes are fetched: by h5wasm or by the native reader. */
export interface DatasetBytes {
  /** The elements' raw little-endian bytes. */
  raw(): Promise<Uint8Array> | Uint8Array;
  /** Variable-length strings (one string for a scalar). */
  strings(): Promise<string | string[]> | string | string[];
}

/**
 * A dataset's attributes as stored, split into its real attributes (written back on
 * conversion) and statekit's own `statekit_dtype` tag, which becomes a hint: it says how the
 * value was stored, is applied on read, and is never copied into another file.
 */
export function splitAttrs(stored: Attrs): { attrs?: Attrs; hints?: Hints } {
  const { [DTYPE_ATTR]: tag, ...attrs } = stored;
  return {
    ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
    ...(tag === undefined ? {} : { hints: { [DTYPE_ATTR]: tag } }),
  };
}

/** The entry of a dataset read with its stored attributes. */
export function datasetEntry(path: readonly PathPart[], value: Leaf, stored: Attrs): Entry {
  const { attrs, hints } = splitAttrs(stored);
  return entry(path, value, attrs, hints);
}

/** What statekit makes of a dataset's type, honouring its own `statekit_dtype` convention. */
export function resolve(meta: TypeMeta, attrs: Attrs): Mapped & { scalarLeaf?: string } {
  const mapped = mapType(meta);
  const tag = attrs[DTYPE_ATTR];
  if (typeof tag !== 'string' || mapped.kind !== 'array') return mapped;
  const scalar = /^python:(float|int|bool|complex)$/.exec(tag);
  if (scalar) return { ...mapped, scalarLeaf: scalar[1]! };
  if (isDType(tag) && STORED_AS[tag] === mapped.dtype)
    return { kind: 'array', dtype: tag, itemSize: mapped.itemSize };
  const str = /^<U(\d+)$/.exec(tag);
  if (str && mapped.dtype === 'bytes' && elementCount(meta.shape ?? []) === 0) {
    return { kind: 'array', dtype: 'str', itemSize: 4 * Number(str[1]) };
  }
  return mapped; // a vlen string width tag is applied on read
}

/** A dataset's entry info (dtype, shape, byte length, attributes) without reading its data. */
export function datasetInfo(path: readonly PathPart[], meta: TypeMeta, attrs: Attrs): EntryInfo {
  const withAttrs = { key: path.join('.'), path, ...splitAttrs(attrs) };
  const shape = meta.shape ?? [];
  let mapped: ReturnType<typeof resolve>;
  try {
    mapped = resolve(meta, attrs);
  } catch (error) {
    // A type statekit does not read (a compound that is not {r, i}): this dataset alone.
    const info = unsupportedInfo(path, error, shape);
    if (!info) throw error;
    return { ...info, ...splitAttrs(attrs) };
  }
  if (mapped.kind === 'null')
    return { ...withAttrs, kind: 'scalar', dtype: 'none', shape: [], byteLength: 0 };
  if (mapped.kind === 'vlen-string') {
    if (shape.length === 0)
      return { ...withAttrs, kind: 'scalar', dtype: 'str', shape: [], byteLength: 0 };
    return { ...withAttrs, kind: 'array', dtype: 'str', shape, byteLength: 0 };
  }
  if (mapped.scalarLeaf && shape.length === 0) {
    const dtype = mapped.scalarLeaf as 'float' | 'int' | 'bool' | 'complex';
    return { ...withAttrs, kind: 'scalar', dtype, shape: [], byteLength: mapped.itemSize };
  }
  return {
    ...withAttrs,
    kind: 'array',
    dtype: mapped.dtype,
    shape,
    byteLength: elementCount(shape) * mapped.itemSize,
  };
}

/** A dataset's value: an array (a view onto `raw` where alignment allows), a scalar or null. */
export async function datasetLeaf(
  meta: TypeMeta,
  attrs: Attrs,
  bytes: DatasetBytes,
): Promise<Leaf> {
  const mapped = resolve(meta, attrs);
  if (mapped.kind === 'null') return null;
  if (mapped.kind === 'vlen-string') {
    const value = await bytes.strings();
    if (typeof value === 'string') return value;
    const tag = /^<U(\d+)$/.exec(String(attrs[DTYPE_ATTR] ?? ''));
    return strArray(value, meta.shape ?? [value.length], tag ? Number(tag[1]) : undefined);
  }
  const raw = await bytes.raw();
  const shape = meta.shape ?? [];
  const array = ndarray(mapped.dtype, shape, viewAs(mapped.dtype, raw), mapped.itemSize) as NdArray;
  if (mapped.scalarLeaf && shape.length === 0) {
    const v = array.data[0];
    if (mapped.scalarLeaf === 'float') return Number(v);
    if (mapped.scalarLeaf === 'int') return BigInt(v as bigint);
    if (mapped.scalarLeaf === 'bool') return v !== 0;
    if (mapped.scalarLeaf === 'complex' && array.dtype === 'complex128') {
      return new Complex(array.data[0] as number, array.data[1] as number);
    }
  }
  return array;
}
