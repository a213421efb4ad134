import { DTYPES, type DType, type TypedArrayOf } from './dtype.js';
import { StatekitError } from './errors.js';

/**
 * An n-d array: C order, little-endian. `data` may be a view onto a file's bytes.
 * For `str` and `bytes`, `itemSize` is the fixed element width in bytes (4 per character for
 * `str`, as numpy's `<U`); for other dtypes it equals the table's item size.
 */
export interface NdArray<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: TypedArrayOf[D];
  readonly itemSize: number;
  /**
   * A numpy scalar (`np.float32(1)`, pickle's `numpy.core.multiarray.scalar`): shape `[]`,
   * but not a 0-d array. Formats without scalars store it as a 0-d array (a lossy case).
   */
  readonly scalar?: boolean;
}

/** Marks a 0-d array as a numpy scalar (see {@link NdArray.scalar}). */
export function numpyScalar<D extends DType>(array: NdArray<D>): NdArray<D> {
  if (array.shape.length !== 0) {
    throw new StatekitError(
      'mismatch',
      `a numpy scalar has shape (), not ${formatShape(array.shape)}`,
    );
  }
  return { ...array, scalar: true };
}

/** Number of elements of an array of `shape` (1 for a 0-d array). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const dim of shape) n *= dim;
  return n;
}

/** Bytes per element of `dtype`, given the width of `str`/`bytes` arrays. */
export function itemSizeOf(dtype: DType, width = 0): number {
  const size = DTYPES[dtype].itemSize;
  return size === 0 ? width : size;
}

/**
 * Makes an array, checking that `data` holds exactly the elements `shape` needs.
 * Throws a `mismatch` StatekitError when it does not, or when `data` is the wrong typed array.
 */
export function ndarray<D extends DType>(
  dtype: D,
  shape: readonly number[],
  data: TypedArrayOf[D],
  itemSize?: number,
): NdArray<D> {
  const info = DTYPES[dtype];
  if (!(data instanceof info.ArrayType)) {
    throw new StatekitError(
      'mismatch',
      `${dtype} data must be a ${info.ArrayType.name}, got ${data.constructor.name}`,
    );
  }
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new StatekitError(
        'mismatch',
        `invalid dimension ${dim} in shape (${shape.join(', ')})`,
      );
    }
  }
  const size = info.itemSize === 0 ? (itemSize ?? 0) : info.itemSize;
  if (info.itemSize !== 0 && itemSize !== undefined && itemSize !== info.itemSize) {
    throw new StatekitError('mismatch', `${dtype} has item size ${info.itemSize}, not ${itemSize}`);
  }
  if (dtype === 'str' && size % 4 !== 0) {
    throw new StatekitError('mismatch', `str item size must be a multiple of 4, got ${size}`);
  }
  const n = elementCount(shape);
  const expected = info.itemSize === 0 ? n * size : n * info.lanes;
  if (data.length !== expected) {
    throw new StatekitError(
      'mismatch',
      `shape (${shape.join(', ')}) of ${dtype} needs ${expected} ${info.ArrayType.name} elements, got ${data.length}`,
    );
  }
  return { dtype, shape: [...shape], data, itemSize: size };
}

/** True when `value` has the shape of an {@link NdArray}. */
export function isNdArray(value: unknown): value is NdArray {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<NdArray>;
  return (
    typeof v.dtype === 'string' &&
    Object.hasOwn(DTYPES, v.dtype) &&
    Array.isArray(v.shape) &&
    ArrayBuffer.isView(v.data) &&
    typeof v.itemSize === 'number'
  );
}

/** The array's bytes (a view, never a copy): logical little-endian C-order bytes. */
export function bytesOf(array: NdArray): Uint8Array {
  const d = array.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * Makes a typed array of `dtype` over `bytes` (C order, little-endian) as a view when the
 * offset is aligned, else as a copy. `bytes.byteLength` must be a multiple of the element size.
 */
export function viewAs<D extends DType>(dtype: D, bytes: Uint8Array): TypedArrayOf[D] {
  const { ArrayType } = DTYPES[dtype];
  const width = ArrayType.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % width !== 0) bytes = bytes.slice();
  return new ArrayType(bytes.buffer, bytes.byteOffset, bytes.byteLength / width) as TypedArrayOf[D];
}

/** Formats a shape as numpy prints it: `()`, `(3,)`, `(2, 3)`. */
export function formatShape(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Decodes the elements of a `str` array (trailing NULs stripped, like numpy). */
export function strings(array: NdArray<'str'> | NdArray<'bytes'>): string[] {
  const out: string[] = [];
  const n = elementCount(array.shape);
  const bytes = array.data;
  const size = array.itemSize;
  if (array.dtype === 'str') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) {
      let s = '';
      let end = size / 4;
      while (end > 0 && view.getUint32(i * size + (end - 1) * 4, true) === 0) end--;
      for (let c = 0; c < end; c++) {
        const point = view.getUint32(i * size + c * 4, true);
        if (point > 0x10ffff) {
          throw new StatekitError('corrupt', `0x${point.toString(16)} is not a Unicode code point`);
        }
        s += String.fromCodePoint(point);
      }
      out.push(s);
    }
  } else {
    for (let i = 0; i < n; i++) {
      let end = size;
      while (end > 0 && bytes[i * size + end - 1] === 0) end--;
      let s = '';
      for (let c = 0; c < end; c++) s += String.fromCharCode(bytes[i * size + c]!);
      out.push(s);
    }
  }
  return out;
}

/**
 * Makes a `str` array (numpy `<U`) from strings. The width is the longest string's code-point
 * count (at least 1, like numpy), unless `width` is given.
 */
export function strArray(
  values: readonly string[],
  shape?: readonly number[],
  width?: number,
): NdArray<'str'> {
  const points = values.map((s) => Array.from(s, (c) => c.codePointAt(0)!));
  const chars = width ?? Math.max(1, ...points.map((p) => p.length));
  const data = new Uint8Array(values.length * chars * 4);
  const view = new DataView(data.buffer);
  points.forEach((p, i) => {
    if (p.length > chars) throw new StatekitError('mismatch', `string longer than width ${chars}`);
    p.forEach((cp, c) => {
      view.setUint32((i * chars + c) * 4, cp, true);
    });
  });
  return ndarray('str', shape ?? [values.length], data, chars * 4);
}

/**
 * Makes a `bytes` array (numpy `|S`) from byte strings given as Uint8Arrays or latin-1
 * strings. The width is the longest element (at least 1), unless `width` is given.
 */
export function bytesArray(
  values: readonly (Uint8Array | string)[],
  shape?: readonly number[],
  width?: number,
): NdArray<'bytes'> {
  const raw = values.map((v) =>
    typeof v === 'string' ? Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff) : v,
  );
  const size = width ?? Math.max(1, ...raw.map((r) => r.length));
  const data = new Uint8Array(values.length * size);
  raw.forEach((r, i) => {
    if (r.length > size) throw new StatekitError('mismatch', `bytes longer than width ${size}`);
    data.set(r, i * size);
  });
  return ndarray('bytes', shape ?? [values.length], data, size);
}
