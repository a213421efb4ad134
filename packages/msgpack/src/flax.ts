/**
 * flax's msgpack extensions (flax serialization.py, braintools file/_msg_checkpoint.py):
 * ext 1 an ndarray, ext 2 a Python complex, ext 3 a numpy scalar; an ndarray payload is itself
 * msgpack, `[shape, dtype.name, C-order bytes]` in the machine's (little-endian) order. Arrays
 * over 2^30 bytes are written as `__msgpack_chunked_array__` maps and reassembled on read.
 */
import {
  Complex,
  DTYPES,
  type DType,
  elementCount,
  type NdArray,
  ndarray,
  StatekitError,
} from '@statekit/core';
import { viewAs } from '@statekit/core/codec';
import { decodeMsgpack, MsgExt, MsgMap, type MsgValue } from './decoder.js';

/** flax's `_MsgpackExtType`. */
export const EXT = Object.freeze({ ndarray: 1, complex: 2, npscalar: 3 });

/** The key that marks a chunked array's map. */
export const CHUNKED = '__msgpack_chunked_array__';

/** flax's `MAX_CHUNK_SIZE`: arrays of more bytes are split into chunks of at most this. */
export const MAX_CHUNK_BYTES = 2 ** 30;

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `msgpack: ${message}`);
}

/**
 * A numpy `dtype.name` as statekit's dtype and item size: numeric names are statekit's own;
 * `strN` and `bytesN` (N bits) are numpy's fixed-width text, as flax writes (and cannot read).
 */
export function dtypeOfName(name: string): { dtype: DType; itemSize: number } {
  const text = /^(str|bytes)(\d+)$/.exec(name);
  if (text) {
    const bits = Number(text[2]);
    const unit = text[1] === 'str' ? 32 : 8;
    if (bits % unit !== 0) throw corrupt(`dtype ${name} is not a whole number of characters`);
    return { dtype: text[1] === 'str' ? 'str' : 'bytes', itemSize: bits / 8 };
  }
  const dtype = (DTYPES as Record<string, { name: DType; itemSize: number } | undefined>)[name];
  if (!dtype || name === 'str' || name === 'bytes')
    throw new StatekitError(
      'unsupported',
      `msgpack: dtype ${JSON.stringify(name.slice(0, 40))} is not one statekit reads`,
    );
  return { dtype: dtype.name, itemSize: dtype.itemSize };
}

/** The dtype name flax writes for an array (numpy's `dtype.name`). */
export function nameOfDtype(dtype: DType, itemSize: number): string {
  if (dtype === 'str' || dtype === 'bytes') return `${dtype}${itemSize * 8}`;
  return dtype;
}

const isUint8 = (v: MsgValue | undefined): v is Uint8Array => v instanceof Uint8Array;

const utf8 = new TextDecoder();

/** {@link dtypeOfName}, once per name (20,000 arrays name a handful of dtypes). */
const dtypes = new Map<string, { dtype: DType; itemSize: number }>();
function cachedDtype(name: string): { dtype: DType; itemSize: number } {
  let found = dtypes.get(name);
  if (!found) {
    found = dtypeOfName(name); // throws for names statekit does not read: nothing cached
    if (dtypes.size < 256) dtypes.set(name, found);
  }
  return found;
}

/** An array as a payload describes it, its bytes still a view of the file. */
export interface RawArray {
  readonly dtype: DType;
  readonly itemSize: number;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

/** Parses an ext 1 / ext 3 payload's `[shape, dtype, bytes]`, checking the byte count. */
export function parseArray(data: Uint8Array, maxDepth: number): RawArray {
  const tuple = decodeMsgpack(data, { maxDepth, raw: true });
  if (!Array.isArray(tuple) || tuple.length !== 3)
    throw corrupt('an ndarray payload is not [shape, dtype, bytes]');
  const [shape, name, bytes] = tuple;
  if (!Array.isArray(shape)) throw corrupt('an ndarray shape is not a list');
  const dims = shape.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER))
      throw corrupt(`an ndarray dimension is ${String(d)}`);
    return Number(d);
  });
  const dtypeName = isUint8(name) ? utf8.decode(name) : name;
  if (typeof dtypeName !== 'string') throw corrupt('an ndarray dtype is not a name');
  if (!isUint8(bytes)) throw corrupt('an ndarray holds no bytes');
  const { dtype, itemSize } = cachedDtype(dtypeName);
  const need = elementCount(dims) * itemSize;
  if (bytes.byteLength !== need)
    throw corrupt(
      `a ${dtypeName} array of shape (${dims.join(', ')}) needs ${need} bytes, its data holds ${bytes.byteLength}`,
    );
  return { dtype, itemSize, shape: dims, bytes };
}

/** The array itself: a view of the file's bytes when aligned, else one copy. */
export function arrayOf(raw: RawArray): NdArray {
  return ndarray(raw.dtype, raw.shape, viewAs(raw.dtype, raw.bytes), raw.itemSize);
}

/**
 * An ext that is not an array (ext 1 and 3 are read as arrays where they stand): ext 2, a
 * Python complex `[re, im]`; any other code is `unsupported`.
 */
export function complexOfExt(ext: MsgExt, maxDepth: number): Complex {
  if (ext.type !== EXT.complex)
    throw new StatekitError(
      'unsupported',
      `msgpack: ext type ${ext.type} is not one of flax's (1 ndarray, 2 complex, 3 numpy scalar)`,
    );
  const pair = decodeMsgpack(ext.data, { maxDepth });
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => typeof x === 'number'))
    throw corrupt('a complex (ext 2) is not [real, imag]');
  return new Complex(pair[0] as number, pair[1] as number);
}

/** A map's value for a string key, or undefined. */
export function field(map: MsgMap, key: string): MsgValue | undefined {
  const i = map.keys.indexOf(key);
  return i < 0 ? undefined : map.values[i];
}

/** True for flax's chunked-array maps (any value under the marker key, as flax reads it). */
export function isChunked(value: MsgValue): boolean {
  return value instanceof MsgMap && value.keys.includes(CHUNKED);
}

/** `{'0': v0, '1': v1, ...}` in index order, as flax's `_dict_to_tuple`. */
function indexed(map: MsgValue | undefined, what: string): MsgValue[] {
  if (!(map instanceof MsgMap)) throw corrupt(`a chunked array's ${what} is not a map`);
  return map.keys.map((_, i) => {
    const at = map.keys.indexOf(String(i));
    if (at < 0) throw corrupt(`a chunked array's ${what} lacks "${i}"`);
    return map.values[at]!;
  });
}

/** A chunked array's parts: its shape and its chunks, checked to fill it exactly. */
export function parseChunked(
  map: MsgMap,
  maxDepth: number,
): { shape: number[]; chunks: RawArray[] } {
  const shape = indexed(field(map, 'shape'), 'shape').map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER))
      throw corrupt(`a chunked array's dimension is ${String(d)}`);
    return Number(d);
  });
  const chunks = indexed(field(map, 'chunks'), 'chunks').map((c) => {
    if (!(c instanceof MsgExt) || c.type !== EXT.ndarray)
      throw corrupt("a chunked array's chunk is not an ndarray");
    return parseArray(c.data, maxDepth);
  });
  const first = chunks[0];
  if (!first) throw corrupt('a chunked array has no chunks');
  if (chunks.some((c) => c.dtype !== first.dtype || c.itemSize !== first.itemSize))
    throw corrupt("a chunked array's chunks differ in dtype");
  const total = chunks.reduce((n, c) => n + c.bytes.byteLength, 0);
  if (total !== elementCount(shape) * first.itemSize)
    throw corrupt(`a chunked array of shape (${shape.join(', ')}) has ${total} bytes of chunks`);
  return { shape, chunks };
}

/** A chunked array reassembled: its chunks concatenated in index order, reshaped. */
export function unchunk({ shape, chunks }: { shape: number[]; chunks: RawArray[] }): NdArray {
  const first = chunks[0]!;
  const out = new Uint8Array(elementCount(shape) * first.itemSize);
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.byteLength;
  }
  return ndarray(first.dtype, shape, viewAs(first.dtype, out), first.itemSize);
}
