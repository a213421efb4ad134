import {
  bfloat16BitsToNumber,
  Complex,
  elementCount,
  float16BitsToNumber,
  isNdArray,
  type Leaf,
  leafKind,
  type NdArray,
  strings,
} from '@statekit/core';

/**
 * JSON for numbers that JSON cannot hold: integers beyond 2^53 and NaN/Infinity become strings
 * (`"9007199254740993"`, `"NaN"`, `"Infinity"`, `"-Infinity"`).
 */
export function jsonNumber(value: number | bigint): number | string {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** Nests a flat list into a shape (C order). */
export function nest<T>(flat: readonly T[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [first, ...rest] = shape;
  const stride = rest.reduce((n, d) => n * d, 1);
  return Array.from({ length: first! }, (_, i) =>
    nest(flat.slice(i * stride, (i + 1) * stride), rest),
  );
}

/**
 * The most lists and strings a `value` is built from. A file can declare a zero-width string
 * array of shape (2^31, 0), empty to numpy, that would otherwise take 2^31 JS arrays: the
 * work is bounded by what is rendered, not by what a dimension says.
 */
export const MAX_VALUE_NODES = 1_000_000;

/** How many lists and elements the nested-list form of `shape` has. */
export function nestedSize(shape: readonly number[]): number {
  let lists = 0;
  let level = 1;
  for (const dim of shape.slice(0, -1)) {
    level *= dim;
    lists += level;
  }
  return shape.length === 0 ? 1 : lists + level * shape[shape.length - 1]! + 1;
}

/**
 * The `value` of a `str`/`bytes` array in `ls --json`: nested lists of strings; undefined
 * when it would take more than {@link MAX_VALUE_NODES} lists and strings.
 */
export function textArrayValue(array: NdArray): unknown {
  if (nestedSize(array.shape) > MAX_VALUE_NODES) return undefined;
  return nest(strings(array as NdArray<'str'>), array.shape);
}

/**
 * An array as JSON (nested lists, a bare value for shape `()`), as `ls --json` shows numeric
 * HDF5 attributes: bools as booleans, halves decoded, complex as `[re, im]`, 64-bit integers
 * and non-finite floats through {@link jsonNumber}.
 */
export function arrayValue(array: NdArray): unknown {
  if (array.dtype === 'str' || array.dtype === 'bytes') return textArrayValue(array);
  if (nestedSize(array.shape) > MAX_VALUE_NODES) return undefined;
  const n = elementCount(array.shape);
  const d = array.data;
  const element = (i: number): unknown => {
    switch (array.dtype) {
      case 'bool':
        return d[i] !== 0;
      case 'float16':
        return jsonNumber(float16BitsToNumber(d[i] as number));
      case 'bfloat16':
        return jsonNumber(bfloat16BitsToNumber(d[i] as number));
      case 'complex64':
      case 'complex128':
        return [jsonNumber(d[2 * i] as number), jsonNumber(d[2 * i + 1] as number)];
      default:
        return jsonNumber(d[i] as number | bigint);
    }
  };
  return nest(
    Array.from({ length: n }, (_, i) => element(i)),
    array.shape,
  );
}

/** The JSON `value` of a scalar leaf. Bytes become latin-1 strings; complex `[re, im]`. */
export function scalarValue(value: Leaf): unknown {
  if (isNdArray(value)) throw new TypeError('not a scalar');
  if (value instanceof Complex) return [jsonNumber(value.re), jsonNumber(value.im)];
  if (value instanceof Uint8Array) return latin1(value);
  if (typeof value === 'number' || typeof value === 'bigint') return jsonNumber(value);
  return value;
}

/** The dtype name `ls` shows for a leaf. */
export function dtypeName(value: Leaf): string {
  return isNdArray(value) ? value.dtype : leafKind(value);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
