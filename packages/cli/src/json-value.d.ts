import { type Leaf, type NdArray } from '@statekit/core';
/**
 * JSON for numbers that JSON cannot hold: integers beyond 2^53 and NaN/Infinity become strings
 * (`"9007199254740993"`, `"NaN"`, `"Infinity"`, `"-Infinity"`).
 */
export declare function jsonNumber(value: number | bigint): number | string;
/** Nests a flat list into a shape (C order). */
export declare function nest<T>(flat: readonly T[], shape: readonly number[]): unknown;
/** The `value` of a `str`/`bytes` array in `ls --json`: nested lists of strings. */
export declare function textArrayValue(array: NdArray): unknown;
/** The JSON `value` of a scalar leaf. Bytes become latin-1 strings; complex `[re, im]`. */
export declare function scalarValue(value: Leaf): unknown;
/** The dtype name `ls` shows for a leaf. */
export declare function dtypeName(value: Leaf): string;
//# sourceMappingURL=json-value.d.ts.map
