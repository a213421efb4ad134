import { Complex, isNdArray, leafKind, strings } from '@statekit/core';
/**
 * JSON for numbers that JSON cannot hold: integers beyond 2^53 and NaN/Infinity become strings
 * (`"9007199254740993"`, `"NaN"`, `"Infinity"`, `"-Infinity"`).
 */
export function jsonNumber(value) {
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
export function nest(flat, shape) {
  if (shape.length === 0) return flat[0];
  const [first, ...rest] = shape;
  const stride = rest.reduce((n, d) => n * d, 1);
  return Array.from({ length: first }, (_, i) =>
    nest(flat.slice(i * stride, (i + 1) * stride), rest),
  );
}
/** The `value` of a `str`/`bytes` array in `ls --json`: nested lists of strings. */
export function textArrayValue(array) {
  return nest(strings(array), array.shape);
}
/** The JSON `value` of a scalar leaf. Bytes become latin-1 strings; complex `[re, im]`. */
export function scalarValue(value) {
  if (isNdArray(value)) throw new TypeError('not a scalar');
  if (value instanceof Complex) return [jsonNumber(value.re), jsonNumber(value.im)];
  if (value instanceof Uint8Array) return latin1(value);
  if (typeof value === 'number' || typeof value === 'bigint') return jsonNumber(value);
  return value;
}
/** The dtype name `ls` shows for a leaf. */
export function dtypeName(value) {
  return isNdArray(value) ? value.dtype : leafKind(value);
}
function latin1(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
//# sourceMappingURL=json-value.js.map
