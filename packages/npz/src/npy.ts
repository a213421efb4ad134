import {
  DEFAULT_LIMITS,
  elementCount,
  type Limits,
  type NdArray,
  SLICE_BYTES,
  StatekitError,
  StreamedArray,
} from '@statekit/core';
import {
  descrOf,
  numpyArrayOf,
  type ResolvedDescr,
  resolveDescr,
  swapBytesInPlace,
  wholeSlices,
} from '@statekit/core/codec';

import { formatNpyHeaderDict, parseNpyHeaderDict } from './npy-header.js';

/** `\x93NUMPY`, the first bytes of every .npy file. */
export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);

/** True when `bytes` start with the NPY magic. */
export function isNpy(bytes: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/** A decoded NPY header. */
export interface NpyHeader extends ResolvedDescr {
  shape: number[];
  fortranOrder: boolean;
  /** Bytes before the data: magic, version, length field, dict, padding. */
  headerLength: number;
  /** Bytes of array data the header declares. */
  dataLength: number;
  version: 1 | 2 | 3;
}

/**
 * How many bytes {@link readNpyHeader} needs: the first 12 bytes say, via the length field
 * (a header beyond `limits.maxHeaderBytes` is a `limit` StatekitError).
 * Returns undefined when fewer than 12 bytes are given.
 */
export function npyHeaderLength(
  prefix: Uint8Array,
  limits: Limits = DEFAULT_LIMITS,
): number | undefined {
  if (prefix.byteLength < 12) {
    if (prefix.byteLength >= 6 && !isNpy(prefix)) {
      throw new StatekitError('format', 'not an NPY array (bad magic)');
    }
    return undefined;
  }
  if (!isNpy(prefix)) throw new StatekitError('format', 'not an NPY array (bad magic)');
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const major = prefix[6]!;
  let dictBytes: number;
  if (major === 1) dictBytes = view.getUint16(8, true);
  else if (major === 2 || major === 3) dictBytes = view.getUint32(8, true);
  else {
    throw new StatekitError(
      'unsupported',
      `NPY format version ${major}.${prefix[7]} is not supported`,
    );
  }
  if (dictBytes > limits.maxHeaderBytes) {
    throw new StatekitError(
      'limit',
      `NPY header of ${dictBytes} bytes exceeds the limit maxHeaderBytes=${limits.maxHeaderBytes}`,
    );
  }
  return (major === 1 ? 10 : 12) + dictBytes;
}

/**
 * Parses an NPY header (versions 1.0, 2.0, 3.0). `bytes` must hold the whole header. Throws
 * `format` (bad magic), `corrupt` (malformed dict), `unsupported` (object/structured dtype) and
 * `limit` (header or rank too large) StatekitErrors.
 */
export function readNpyHeader(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS): NpyHeader {
  const headerLength = npyHeaderLength(bytes, limits);
  if (headerLength === undefined) throw new StatekitError('corrupt', 'truncated NPY header');
  const major = bytes[6] as 1 | 2 | 3;
  const prefix = major === 1 ? 10 : 12;
  if (bytes.byteLength < headerLength) throw new StatekitError('corrupt', 'truncated NPY header');
  const raw = bytes.subarray(prefix, headerLength);
  const text = major === 3 ? utf8(raw) : latin1(raw);
  const header = parsedHeaders.get(major + text) ?? parseHeaderText(text, major, headerLength);
  if (header.shape.length > limits.maxRank) {
    throw new StatekitError(
      'limit',
      `rank ${header.shape.length} exceeds the limit maxRank=${limits.maxRank}`,
    );
  }
  return header;
}

/**
 * Headers parsed before, by version and text (with its padding, so the header length is the same):
 * a checkpoint's arrays mostly share a few dtypes and shapes, and 20,000 small arrays then
 * parse a handful of headers, not 20,000. Bounded; the headers are never modified.
 */
const parsedHeaders = new Map<string, NpyHeader>();
const PARSED_HEADERS_KEPT = 256;

function parseHeaderText(text: string, version: 1 | 2 | 3, headerLength: number): NpyHeader {
  const fields = parseNpyHeaderDict(text.trimEnd());
  const resolved = resolveDescr(fields.descr);
  const count = elementCount(fields.shape);
  const dataLength = count * resolved.itemSize;
  if (!Number.isSafeInteger(dataLength)) {
    throw new StatekitError('limit', `shape (${fields.shape.join(', ')}) is too large`);
  }
  const header: NpyHeader = Object.freeze({
    ...resolved,
    shape: Object.freeze(fields.shape) as number[],
    fortranOrder: fields.fortranOrder,
    headerLength,
    dataLength,
    version,
  });
  if (parsedHeaders.size >= PARSED_HEADERS_KEPT) parsedHeaders.clear();
  parsedHeaders.set(version + text, header);
  return header;
}

/** Version 3 headers are UTF-8; bytes that are not are damage, not an I/O failure. */
function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new StatekitError('corrupt', 'NPY version 3 header is not valid UTF-8');
  }
}

function latin1(bytes: Uint8Array): string {
  // Byte values are code points in latin-1; fromCharCode takes them in chunks (argument limits).
  let s = '';
  for (let at = 0; at < bytes.length; at += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(at, at + 8192) as unknown as number[]);
  }
  return s;
}

/**
 * Reads the NPY header at the start of `size` bytes (a .npy file, an npz member), fetching
 * prefixes with `prefix(length)`. Returns undefined when the bytes do not start with the NPY
 * magic; throws `corrupt` when the header or the data it declares is cut short (and the
 * errors of {@link readNpyHeader}). `bytes` is a copy of the header's bytes.
 */
export async function readNpyHeaderFrom(
  prefix: (length: number) => Promise<Uint8Array>,
  size: number,
  limits: Limits = DEFAULT_LIMITS,
): Promise<{ header: NpyHeader; bytes: Uint8Array } | undefined> {
  const head = await prefix(Math.min(12, size));
  if (!isNpy(head)) {
    if (head.byteLength < NPY_MAGIC.length && head.every((b, i) => b === NPY_MAGIC[i])) {
      throw new StatekitError('corrupt', 'truncated NPY header');
    }
    return undefined;
  }
  const length = npyHeaderLength(head, limits) ?? size + 1;
  if (length > size) throw new StatekitError('corrupt', 'truncated NPY header');
  const bytes = (await prefix(length)).slice(0, length);
  const header = readNpyHeader(bytes, limits);
  checkDataLength(header, size - header.headerLength);
  return { header, bytes };
}

/** Throws a `corrupt` StatekitError when fewer than the declared data bytes are present. */
export function checkDataLength(header: NpyHeader, available: number): void {
  if (available < header.dataLength) {
    throw new StatekitError(
      'corrupt',
      `truncated array data: shape (${header.shape.join(', ')}) needs ${header.dataLength} bytes, ${available} present`,
    );
  }
}

/**
 * Decodes array data described by `header`. `data` must hold at least `header.dataLength`
 * bytes (fewer is a `corrupt` StatekitError saying how many are missing). Little-endian C-order
 * data comes back as a view onto `data` when aligned; big-endian or Fortran-order data is
 * converted into a new buffer.
 */
export function decodeNpyData(header: NpyHeader, data: Uint8Array): NdArray {
  checkDataLength(header, data.byteLength);
  return numpyArrayOf(
    header,
    header.shape,
    header.fortranOrder,
    data.subarray(0, header.dataLength),
  );
}

/**
 * The array `header` describes, read in slices from `content()` (the bytes after the header,
 * trailing bytes allowed as numpy allows them), swapped to little-endian slice by slice.
 * Undefined for Fortran-order data of rank 2 or more: its C order needs the whole array.
 */
export function streamedNpyData(
  header: NpyHeader,
  content: () => AsyncIterable<Uint8Array>,
  context: { file: string; key: string },
): StreamedArray | undefined {
  if (header.fortranOrder && header.shape.length > 1) return undefined;
  const { itemSize, bigEndian, swapWidth, dataLength } = header;
  async function* data(): AsyncGenerator<Uint8Array> {
    let left = dataLength;
    for await (const slice of wholeSlices(content(), itemSize || 1, SLICE_BYTES)) {
      if (left <= 0) continue; // read on to the end: the member's CRC covers it all
      const part = slice.subarray(0, Math.min(left, slice.byteLength));
      left -= part.byteLength;
      if (!bigEndian) yield part;
      else {
        const swapped = part.slice();
        swapBytesInPlace(swapped, swapWidth);
        yield swapped;
      }
    }
  }
  return new StreamedArray(header.dtype, header.shape, itemSize, data, context);
}

/**
 * Encodes the NPY header for `array` byte for byte as numpy's `np.save` does: version 1.0
 * (2.0 when the header needs more than 65,535 bytes), padded with spaces so the data starts
 * on a 64-byte boundary.
 */
export function encodeNpyHeader(array: Pick<NdArray, 'dtype' | 'shape' | 'itemSize'>): Uint8Array {
  const dict = formatNpyHeaderDict(descrOf(array), false, array.shape);
  const known = encodedHeaders.get(dict);
  if (known) return known;
  if (encodedHeaders.size >= PARSED_HEADERS_KEPT) encodedHeaders.clear();
  const out = encodeHeaderDict(dict);
  encodedHeaders.set(dict, out);
  return out;
}

/**
 * Headers encoded before, by their dict: writing 20,000 arrays of a few shapes encodes a few
 * headers. Callers write the bytes out and never modify them.
 */
const encodedHeaders = new Map<string, Uint8Array>();

function encodeHeaderDict(dict: string): Uint8Array {
  for (const version of [1, 2] as const) {
    const lengthField = version === 1 ? 2 : 4;
    const hlen = dict.length + 1;
    const pad = 64 - ((6 + 2 + lengthField + hlen) % 64);
    const total = hlen + pad;
    if (version === 1 && total >= 0x10000) continue;
    const out = new Uint8Array(8 + lengthField + total);
    out.set(NPY_MAGIC);
    out[6] = version;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (version === 1) view.setUint16(8, total, true);
    else view.setUint32(8, total, true);
    const start = 8 + lengthField;
    for (let i = 0; i < dict.length; i++) out[start + i] = dict.charCodeAt(i);
    out.fill(0x20, start + dict.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new StatekitError('limit', 'NPY header too large');
}
