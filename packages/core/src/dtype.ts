/** The dtypes statekit knows, by their numpy names. */
export type DType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'str'
  | 'bytes';

/** The typed array that backs each dtype. */
export interface TypedArrayOf {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** Raw IEEE binary16 bits; decode with `float16ToFloat32`. */
  float16: Uint16Array;
  /** Raw bfloat16 bits (the top half of a float32); decode with `bfloat16ToFloat32`. */
  bfloat16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  /** Interleaved real, imaginary. */
  complex64: Float32Array;
  /** Interleaved real, imaginary. */
  complex128: Float64Array;
  /** Fixed-width UCS-4 little-endian code units, `itemSize` bytes per element. */
  str: Uint8Array;
  /** Fixed-width raw bytes, `itemSize` bytes per element, NUL padded. */
  bytes: Uint8Array;
}

/** Any typed array a statekit array may hold. */
export type AnyTypedArray = TypedArrayOf[DType];

type TypedArrayConstructor = {
  new (length: number): AnyTypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): AnyTypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** What the dtype table knows about one dtype. */
export interface DTypeInfo {
  readonly name: DType;
  /** Bytes per element; 0 for `str` and `bytes`, whose width is per array. */
  readonly itemSize: number;
  /** numpy's little-endian `descr` (`'<f4'`, `'|b1'`); `str`/`bytes` add their width. */
  readonly descr: string;
  /** Constructor of the backing typed array. */
  readonly ArrayType: TypedArrayConstructor;
  /** Typed-array elements per array element (2 for complex). */
  readonly lanes: number;
  /** The data is raw 16-bit patterns that need decode helpers. */
  readonly rawBits: boolean;
  readonly kind: 'bool' | 'int' | 'uint' | 'float' | 'complex' | 'str' | 'bytes';
}

function info(
  name: DType,
  itemSize: number,
  descr: string,
  ArrayType: unknown,
  kind: DTypeInfo['kind'],
  lanes = 1,
  rawBits = false,
): DTypeInfo {
  return {
    name,
    itemSize,
    descr,
    ArrayType: ArrayType as TypedArrayConstructor,
    lanes,
    rawBits,
    kind,
  };
}

/** The dtype table. */
export const DTYPES: { readonly [D in DType]: DTypeInfo } = {
  bool: info('bool', 1, '|b1', Uint8Array, 'bool'),
  int8: info('int8', 1, '|i1', Int8Array, 'int'),
  int16: info('int16', 2, '<i2', Int16Array, 'int'),
  int32: info('int32', 4, '<i4', Int32Array, 'int'),
  int64: info('int64', 8, '<i8', BigInt64Array, 'int'),
  uint8: info('uint8', 1, '|u1', Uint8Array, 'uint'),
  uint16: info('uint16', 2, '<u2', Uint16Array, 'uint'),
  uint32: info('uint32', 4, '<u4', Uint32Array, 'uint'),
  uint64: info('uint64', 8, '<u8', BigUint64Array, 'uint'),
  float16: info('float16', 2, '<f2', Uint16Array, 'float', 1, true),
  bfloat16: info('bfloat16', 2, '<V2', Uint16Array, 'float', 1, true),
  float32: info('float32', 4, '<f4', Float32Array, 'float'),
  float64: info('float64', 8, '<f8', Float64Array, 'float'),
  complex64: info('complex64', 8, '<c8', Float32Array, 'complex', 2),
  complex128: info('complex128', 16, '<c16', Float64Array, 'complex', 2),
  str: info('str', 0, '<U', Uint8Array, 'str'),
  bytes: info('bytes', 0, '|S', Uint8Array, 'bytes'),
};

/** All dtype names, in table order. */
export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];

/** True when `name` is a dtype statekit knows. */
export function isDType(name: string): name is DType {
  return Object.hasOwn(DTYPES, name);
}
