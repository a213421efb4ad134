/**
 * HDF5 datatype messages (format spec IV.A.2.d): decoded into the {@link TypeMeta} statekit
 * maps, and encoded for the types the native writer produces.
 */
import type { DType } from '@statekit/core';
import type { TypeMeta } from '../h5-types.js';
import { align, cString, ENCODER, NotNative, viewOf } from './bytes.js';

/** HDF5 type classes (H5T_class_t). */
export const CLASS = {
  integer: 0,
  float: 1,
  string: 3,
  compound: 6,
  enum: 8,
  vlen: 9,
} as const;

/** A decoded datatype: what mapType needs, plus what raw reads need. */
export interface DecodedType extends TypeMeta {
  littleEndian: boolean;
  /** Character set of strings: 0 ASCII, 1 UTF-8. */
  cset: number;
  compound_type?: { members: (DecodedType & { name: string; offset: number })[] };
}

function plain(type: number, size: number): DecodedType {
  return { type, size, signed: false, vlen: false, shape: [], littleEndian: true, cset: 0 };
}

/**
 * Decodes the datatype message at `at` in `bytes`; returns the type and the bytes it spans.
 * Classes statekit leaves to h5wasm (time, bitfield, opaque, reference, array, non-string
 * vlen) throw NotNative; so do VAX and big-endian orders, which need byte swapping.
 */
export function decodeDatatype(bytes: Uint8Array, at: number): { type: DecodedType; end: number } {
  const view = viewOf(bytes);
  if (at + 8 > bytes.length) throw new RangeError('datatype message truncated');
  const cls = bytes[at]! & 0x0f;
  const version = bytes[at]! >> 4;
  const bits0 = bytes[at + 1]!;
  const bits1 = bytes[at + 2]!;
  const size = view.getUint32(at + 4, true);
  let p = at + 8;
  switch (cls) {
    case CLASS.integer: {
      const t = plain(cls, size);
      t.littleEndian = (bits0 & 1) === 0;
      t.signed = (bits0 & 8) !== 0;
      return { type: t, end: p + 4 };
    }
    case CLASS.float: {
      const t = plain(cls, size);
      t.littleEndian = (bits0 & 1) === 0;
      if (bits0 & 0x40) throw new NotNative('VAX float order');
      return { type: t, end: p + 12 };
    }
    case CLASS.string: {
      const t = plain(cls, size);
      t.cset = bits0 >> 4;
      return { type: t, end: p };
    }
    case CLASS.compound: {
      const count = bits0 | (bits1 << 8);
      const members: (DecodedType & { name: string; offset: number })[] = [];
      for (let m = 0; m < count; m++) {
        const name = cString(bytes, p);
        const nameBytes = nameLength(bytes, p);
        let offset: number;
        if (version === 3) {
          p += nameBytes;
          const width = size < 0x100 ? 1 : size < 0x10000 ? 2 : size < 0x1000000 ? 3 : 4;
          offset = 0;
          for (let i = 0; i < width; i++) offset += bytes[p + i]! * 2 ** (8 * i);
          p += width;
        } else {
          p += align(nameBytes, 8);
          offset = view.getUint32(p, true);
          p += 4;
          if (version === 1) {
            if (bytes[p] !== 0) throw new NotNative('compound members with array dimensions');
            p += 28;
          }
        }
        const member = decodeDatatype(bytes, p);
        members.push({ ...member.type, name, offset });
        p = member.end;
      }
      return { type: { ...plain(cls, size), compound_type: { members } }, end: p };
    }
    case CLASS.enum: {
      const count = bits0 | (bits1 << 8);
      const base = decodeDatatype(bytes, p);
      if (base.type.type !== CLASS.integer) throw new NotNative('enum over a non-integer type');
      p = base.end;
      const names: string[] = [];
      for (let m = 0; m < count; m++) {
        names.push(cString(bytes, p));
        const n = nameLength(bytes, p);
        p += version === 3 ? n : align(n, 8);
      }
      const members: Record<string, number> = {};
      for (const name of names) {
        members[name] = readInt(view, p, base.type.size, base.type.signed, base.type.littleEndian);
        p += base.type.size;
      }
      return {
        type: { ...base.type, type: cls, enum_type: { members } },
        end: p,
      };
    }
    case CLASS.vlen: {
      if ((bits0 & 0x0f) !== 1) throw new NotNative('variable-length sequences');
      const base = decodeDatatype(bytes, p);
      const t = plain(CLASS.string, size);
      t.vlen = true;
      t.cset = bits1 & 0x0f;
      return { type: t, end: base.end };
    }
  }
  throw new NotNative(`datatype class ${cls}`);
}

/** Bytes of the NUL-terminated name at `at`, counting the NUL. */
function nameLength(bytes: Uint8Array, at: number): number {
  let n = 0;
  while (at + n < bytes.length && bytes[at + n] !== 0) n++;
  if (at + n >= bytes.length) throw new RangeError('name runs past its message');
  return n + 1;
}

function readInt(
  view: DataView,
  at: number,
  size: number,
  signed: boolean,
  little: boolean,
): number {
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, little) : view.getUint16(at, little);
    case 4:
      return signed ? view.getInt32(at, little) : view.getUint32(at, little);
    case 8:
      return Number(signed ? view.getBigInt64(at, little) : view.getBigUint64(at, little));
  }
  throw new NotNative(`${size}-byte enum values`);
}

/** IEEE layouts: [sign bit, exponent location, exponent size, mantissa size, bias]. */
const FLOAT_LAYOUT: Record<number, [number, number, number, number, number]> = {
  2: [15, 10, 5, 10, 15],
  4: [31, 23, 8, 23, 127],
  8: [63, 52, 11, 52, 1023],
};

/** Encodes a little-endian integer or IEEE float type (class byte version 1). */
function encodeNumber(kind: 'int' | 'uint' | 'float', size: number): Uint8Array {
  if (kind !== 'float') {
    const out = new Uint8Array(12);
    const view = viewOf(out);
    out[0] = 0x10 | CLASS.integer;
    out[1] = kind === 'int' ? 0x08 : 0;
    view.setUint32(4, size, true);
    view.setUint16(10, size * 8, true);
    return out;
  }
  const layout = FLOAT_LAYOUT[size];
  if (!layout) throw new RangeError(`no IEEE float of ${size} bytes`);
  const [sign, expAt, expBits, mantBits, bias] = layout;
  const out = new Uint8Array(20);
  const view = viewOf(out);
  out[0] = 0x10 | CLASS.float;
  out[1] = 0x20; // mantissa normalisation: most significant bit implied
  out[2] = sign;
  view.setUint32(4, size, true);
  view.setUint16(10, size * 8, true);
  out[12] = expAt;
  out[13] = expBits;
  out[14] = 0;
  out[15] = mantBits;
  view.setUint32(16, bias, true);
  return out;
}

/**
 * The HDF5 type statekit's native writer stores `dtype` as, the type h5py gives the same numpy
 * dtype (bfloat16 excluded: h5py has none). Throws `NotNative` for other dtypes.
 */
export function encodeDtype(dtype: DType, itemSize: number): Uint8Array {
  const int = /^(u?int)(8|16|32|64)$/.exec(dtype);
  if (int) return encodeNumber(int[1] as 'int' | 'uint', Number(int[2]) / 8);
  if (dtype === 'bool') return encodeBool();
  if (dtype === 'float16') return encodeNumber('float', 2);
  if (dtype === 'float32') return encodeNumber('float', 4);
  if (dtype === 'float64') return encodeNumber('float', 8);
  if (dtype === 'complex64' || dtype === 'complex128') return encodeComplex(itemSize / 2);
  if (dtype === 'bytes') return encodeFixedString(itemSize);
  throw new NotNative(`dtype ${dtype}`);
}

/** h5py's bool type: a version 1 enum over int8 with members `FALSE = 0` and `TRUE = 1`. */
function encodeBool(): Uint8Array {
  const base = encodeNumber('int', 1);
  const out = new Uint8Array(8 + base.length + 2 * 8 + 2);
  const view = viewOf(out);
  out[0] = 0x10 | CLASS.enum;
  view.setUint16(1, 2, true); // two members
  view.setUint32(4, 1, true);
  out.set(base, 8);
  let p = 8 + base.length;
  for (const name of ['FALSE', 'TRUE']) {
    out.set(ENCODER.encode(name), p); // NUL-terminated, padded to 8 bytes
    p += 8;
  }
  out[p] = 0;
  out[p + 1] = 1;
  return out;
}

/** h5py's complex type: a version 1 compound `{r, i}` of two IEEE floats. */
function encodeComplex(half: number): Uint8Array {
  const member = encodeNumber('float', half);
  const memberBytes = 8 + 4 + 28 + member.length; // name (padded), offset, dims block, type
  const out = new Uint8Array(8 + 2 * memberBytes);
  const view = viewOf(out);
  out[0] = 0x10 | CLASS.compound;
  out[1] = 2;
  view.setUint32(4, 2 * half, true);
  let p = 8;
  for (const [name, offset] of [
    ['r', 0],
    ['i', half],
  ] as const) {
    out[p] = name.charCodeAt(0);
    p += 8;
    view.setUint32(p, offset, true);
    p += 4 + 28;
    out.set(member, p);
    p += member.length;
  }
  return out;
}

/** h5py's fixed-length bytes type (`S{n}`): NUL-padded ASCII. */
export function encodeFixedString(size: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x10 | CLASS.string;
  out[1] = 1; // NUL padding
  viewOf(out).setUint32(4, size, true);
  return out;
}

/** h5py's `str` type: a variable-length UTF-8 string. */
export function encodeVlenString(): Uint8Array {
  const out = new Uint8Array(20);
  const view = viewOf(out);
  out[0] = 0x10 | CLASS.vlen;
  out[1] = 1; // a string, NUL-terminated
  out[2] = 1; // UTF-8
  view.setUint32(4, 16, true);
  out.set(encodeNumber('uint', 1), 8); // its base type: one unsigned byte
  return out;
}

/** The type of int64, float64 and float32 values, for attributes. */
export { encodeNumber };
