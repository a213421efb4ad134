/** numpy dtype strings (`<f4`, `>c16`, `|b1`, `<U7`, `|S3`): the descr NPY headers, pickled
 * `numpy.dtype` objects and flax msgpack files name their arrays by. */
import { DTYPES, type DType } from './dtype.js';
import { StatekitError } from './errors.js';
import { fortranToC, swapBytesInPlace } from './memory-order.js';
import { type NdArray, ndarray, viewAs } from './ndarray.js';

/** A descr resolved to a statekit dtype plus what decoding needs. */
export interface ResolvedDescr {
  dtype: DType;
  /** Bytes per element. */
  itemSize: number;
  /** Stored big-endian ('>'), so bytes need swapping. */
  bigEndian: boolean;
  /** Size of the words to swap (itemSize, itemSize/2 for complex, 4 for str). */
  swapWidth: number;
}

const NUMERIC: Record<string, DType> = {
  b1: 'bool',
  '?': 'bool',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  c8: 'complex64',
  c16: 'complex128',
};

/**
 * Maps a numpy descr (`'<f4'`, `'>i8'`, `'|b1'`, `'<U7'`, `'|S3'`) to a dtype. Object,
 * structured, void, datetime and long-double dtypes are an `unsupported` StatekitError (numpy
 * itself needs `allow_pickle=True` for object arrays).
 */
export function resolveDescr(descr: string | unknown[]): ResolvedDescr {
  if (typeof descr !== 'string') {
    throw new StatekitError('unsupported', 'structured (record) dtypes are not supported');
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[\w+\])?$/.exec(descr);
  if (!m) throw new StatekitError('corrupt', `invalid NPY descr '${descr}'`);
  const order = m[1]!;
  const code = m[2]!;
  const digits = m[3]!;
  const bigEndian = order === '>';
  if (code === 'O') {
    throw new StatekitError(
      'unsupported',
      "object arrays (descr '|O') hold pickled Python objects; statekit refuses them, like numpy with allow_pickle=False",
    );
  }
  if (code === 'U' || code === 'S' || code === 'a') {
    const width = digits === '' ? 0 : Number(digits);
    const dtype: DType = code === 'U' ? 'str' : 'bytes';
    const itemSize = code === 'U' ? width * 4 : width;
    return {
      dtype,
      itemSize,
      bigEndian: bigEndian && code === 'U',
      swapWidth: code === 'U' ? 4 : 1,
    };
  }
  const dtype = NUMERIC[code + digits] ?? (code === '?' ? 'bool' : undefined);
  if (!dtype) {
    const why =
      code === 'V'
        ? 'void dtypes (raw bytes; ml_dtypes bfloat16 saved without ml_dtypes looks like this) are not supported'
        : code === 'M' || code === 'm'
          ? 'datetime64/timedelta64 dtypes are not supported'
          : `dtype '${descr}' is not supported`;
    throw new StatekitError('unsupported', why);
  }
  const itemSize = DTYPES[dtype].itemSize;
  const swapWidth = DTYPES[dtype].kind === 'complex' ? itemSize / 2 : itemSize;
  return { dtype, itemSize, bigEndian: bigEndian && swapWidth > 1, swapWidth };
}

/** The little-endian descr numpy writes for an array (`'<U7'` for 7-character strings). */
export function descrOf(array: Pick<NdArray, 'dtype' | 'itemSize'>): string {
  if (array.dtype === 'str') return `<U${array.itemSize / 4}`;
  if (array.dtype === 'bytes') return `|S${array.itemSize}`;
  if (array.dtype === 'bfloat16') {
    throw new StatekitError('unsupported', 'bfloat16 has no numpy descr; convert it first');
  }
  return DTYPES[array.dtype].descr;
}

/**
 * The array numpy stores as `bytes` in `descr`'s byte order and C or Fortran order (NPY
 * members, pickled ndarrays, flax msgpack arrays): little-endian C-order bytes, viewed in place
 * when nothing needs changing and the offset is aligned, else copied once. `bytes` must hold
 * exactly the array (callers check and name the file and key).
 */
export function numpyArrayOf(
  descr: ResolvedDescr,
  shape: readonly number[],
  fortranOrder: boolean,
  bytes: Uint8Array,
): NdArray {
  let data = bytes;
  if (descr.bigEndian) {
    data = data.slice();
    swapBytesInPlace(data, descr.swapWidth);
  }
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape, descr.itemSize);
  return ndarray(descr.dtype, shape, viewAs(descr.dtype, data), descr.itemSize);
}
