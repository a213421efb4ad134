import {
  type Attrs,
  type DType,
  type Entry,
  type NdArray,
  ndarray,
  SparseMatrix,
  StatekitError,
} from '@statekit/core';
import { type Container, viewAs } from '@statekit/core/codec';

/** The attribute statekit writes where HDF5 (via h5wasm) has no exact type of its own. */
export const DTYPE_ATTR = 'statekit_dtype';

/** HDF5 type classes (H5T_class_t). */
const INTEGER = 0;
const FLOAT = 1;
const STRING = 3;
const COMPOUND = 6;
const ENUM = 8;

/**
 * The part of a dataset's type and shape that statekit maps: h5wasm's `Metadata` has it, and
 * so does what the native metadata reader (`native/`) decodes.
 */
export interface TypeMeta {
  /** The type class (H5T_class_t). */
  type: number;
  /** Bytes per element. */
  size: number;
  signed: boolean;
  vlen: boolean;
  /** `null` for a null dataspace, `[]` for a scalar. */
  shape: number[] | null;
  enum_type?: { members: Record<string, number> };
  compound_type?: { members: { name: string; type: number; size: number }[] };
}

/** How a dataset's HDF5 type maps to statekit. */
export type Mapped =
  | { kind: 'array'; dtype: DType; itemSize: number }
  | { kind: 'vlen-string' }
  | { kind: 'null' };

function intType(size: number, signed: boolean): DType | undefined {
  const bits = size * 8;
  if (![8, 16, 32, 64].includes(bits)) return undefined;
  return `${signed ? 'int' : 'uint'}${bits}` as DType;
}

/**
 * Maps h5wasm metadata to a dtype: integers, IEEE floats (half included), h5py's bool enum
 * (`FALSE=0, TRUE=1`), h5py's complex compound `{r, i}` (and MATLAB's `{real, imag}`), fixed
 * strings (`bytes`) and variable-length strings. Anything else is an `unsupported` error.
 */
export function mapType(meta: TypeMeta): Mapped {
  if (meta.shape === null) return { kind: 'null' };
  switch (meta.type) {
    case INTEGER: {
      const dtype = intType(meta.size, meta.signed);
      if (dtype) return { kind: 'array', dtype, itemSize: meta.size };
      break;
    }
    case FLOAT:
      if (meta.size === 2) return { kind: 'array', dtype: 'float16', itemSize: 2 };
      if (meta.size === 4) return { kind: 'array', dtype: 'float32', itemSize: 4 };
      if (meta.size === 8) return { kind: 'array', dtype: 'float64', itemSize: 8 };
      break;
    case ENUM: {
      const members = meta.enum_type?.members ?? {};
      const names = Object.keys(members).sort().join(',');
      if (meta.size === 1 && names === 'FALSE,TRUE' && members.FALSE === 0 && members.TRUE === 1) {
        return { kind: 'array', dtype: 'bool', itemSize: 1 };
      }
      const dtype = intType(meta.size, meta.signed);
      if (dtype) return { kind: 'array', dtype, itemSize: meta.size };
      break;
    }
    case COMPOUND: {
      const members = meta.compound_type?.members ?? [];
      const names = members.map((m) => m.name).join(',');
      const floats = members.every((m) => m.type === FLOAT && m.size === members[0]?.size);
      if (members.length === 2 && floats && (names === 'r,i' || names === 'real,imag')) {
        const half = members[0]!.size;
        if (half === 4 && meta.size === 8)
          return { kind: 'array', dtype: 'complex64', itemSize: 8 };
        if (half === 8 && meta.size === 16)
          return { kind: 'array', dtype: 'complex128', itemSize: 16 };
      }
      throw new StatekitError('unsupported', `compound type {${names}} is not a complex number`);
    }
    case STRING:
      if (meta.vlen) return { kind: 'vlen-string' };
      return { kind: 'array', dtype: 'bytes', itemSize: meta.size };
  }
  throw new StatekitError(
    'unsupported',
    `HDF5 type class ${meta.type} (size ${meta.size}) is not supported`,
  );
}

/** The storage dtype statekit writes for a dtype HDF5 cannot hold natively (h5wasm). */
export const STORED_AS: Partial<Record<DType, DType>> = {
  bool: 'uint8',
  float16: 'uint16',
  bfloat16: 'uint16',
};

/**
 * A numeric (or bool) attribute as statekit keeps it: an array of its dtype, shape `[]` for a
 * scalar attribute, so it is written back with the type it had (h5py's `int64` count stays
 * `int64`, its `bool` stays `bool`). `raw` is its little-endian elements.
 */
export function numericAttribute(meta: TypeMeta, raw: Uint8Array): NdArray {
  const mapped = mapType(meta);
  if (mapped.kind !== 'array' || mapped.dtype === 'bytes') {
    throw new StatekitError('unsupported', `attribute type class ${meta.type} is not numeric`);
  }
  const data = viewAs(mapped.dtype, raw.slice());
  return ndarray(mapped.dtype, meta.shape ?? [], data, mapped.itemSize) as NdArray;
}

/**
 * A group as a container (kind `group`); `children` is filled in as the group is walked, in
 * the order h5py lists it. Attributes only when the group has some.
 */
export function groupContainer(path: string[], attrs: Attrs, children: string[]): Container {
  return {
    path,
    kind: 'group',
    children,
    ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
  };
}

/** Entries neither writer stores (as `hdf5Lossiness` says): None and sparse matrices. */
export function skipped(e: Entry): boolean {
  return e.value === null || e.value instanceof SparseMatrix;
}
