import { isNdArray, type NdArray } from '@statekit/core';
import { DTYPE_ATTR } from './h5-types.js';

/**
 * How statekit stores an attribute value in HDF5 (both writers), or undefined when it has no
 * HDF5 form here. One table for the writers and for `lossiness`, so what is refused and what
 * is written cannot drift apart:
 *
 * | value                         | HDF5 attribute                                  |
 * | ----------------------------- | ----------------------------------------------- |
 * | string / string[]             | variable-length UTF-8 string (scalar / 1-d)     |
 * | number / number[]             | float64 (scalar / 1-d)                          |
 * | bigint                        | int64 scalar                                    |
 * | boolean                       | h5py's bool enum scalar                         |
 * | NdArray (numeric, bool, half, | that dtype and shape (what the readers return   |
 * |  complex, `str`, `bytes`)     |  for numeric attributes)                        |
 */
export type AttributeForm =
  | { kind: 'string'; values: string[]; scalar: boolean }
  | { kind: 'float64'; values: number[]; scalar: boolean }
  | { kind: 'int64'; value: bigint }
  | { kind: 'array'; array: NdArray };

/** The form of `value` as an attribute, or undefined when HDF5 (as statekit writes it) has none. */
export function attributeForm(value: unknown): AttributeForm | undefined {
  if (typeof value === 'string') return { kind: 'string', values: [value], scalar: true };
  if (typeof value === 'number') return { kind: 'float64', values: [value], scalar: true };
  if (typeof value === 'bigint') {
    return value >= -(2n ** 63n) && value < 2n ** 63n ? { kind: 'int64', value } : undefined;
  }
  if (typeof value === 'boolean') {
    const array: NdArray = {
      dtype: 'bool',
      shape: [],
      data: Uint8Array.of(value ? 1 : 0),
      itemSize: 1,
    };
    return { kind: 'array', array };
  }
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((v) => typeof v === 'string'))
      return { kind: 'string', values: value, scalar: false };
    if (value.every((v) => typeof v === 'number'))
      return { kind: 'float64', values: value, scalar: false };
    return undefined;
  }
  if (isNdArray(value) && value.dtype !== 'bfloat16') return { kind: 'array', array: value };
  return undefined;
}

/** Why an entry's or a group's attributes cannot all be stored (empty when they can). */
export function attributeLossiness(attrs: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (name === DTYPE_ATTR) {
      out.push(`attribute ${name} is statekit's own type tag: the given value is not written`);
    } else if (attributeForm(value) === undefined) {
      out.push(`attribute ${name} has no HDF5 form here: it is dropped`);
    }
  }
  return out;
}

/**
 * The attributes a writer stores: those with a form (a given `statekit_dtype` is not one), then
 * statekit's own type tag when the value needs one (`tag`).
 */
export function storedAttributes(
  attrs: Record<string, unknown> | undefined,
  tag?: string,
): [string, AttributeForm][] {
  const out: [string, AttributeForm][] = [];
  for (const [name, value] of Object.entries(attrs ?? {})) {
    const form = name === DTYPE_ATTR ? undefined : attributeForm(value);
    if (form) out.push([name, form]);
  }
  if (tag !== undefined) out.push([DTYPE_ATTR, { kind: 'string', values: [tag], scalar: true }]);
  return out;
}
