/**
 * @statekit/core/zip: random-access ZIP reading (with ZIP64), shared by the codecs whose files
 * are ZIPs (numpy's npz, PyTorch's `torch.save` archives). The end-of-central-directory records
 * and the central directory tell where each member is, so listing reads only those and the
 * members' headers.
 */

import { crc32, inflateRaw, inflateRawChunks, inflateRawPrefix } from '@statekit/core/zlib';
import type { ByteSource } from './byte-source.js';
import { StatekitError } from './errors.js';
import type { Limits } from './limits.js';
import { sourceSlices } from './streamed-array.js';

/** One member, as the central directory describes it. */
export interface ZipMember {
  name: string;
  /** The name as stored, to compare with the local header's. */
  nameBytes: Uint8Array;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `ZIP: ${message}`);
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('64-bit field beyond 2^53');
  return Number(value);
}

/**
 * Reads the central directory. Throws `format` when `source` is not a ZIP, `corrupt` for a
 * damaged directory, `unsupported` for multi-disk archives, `limit` beyond the limits.
 */
export async function readZipDirectory(source: ByteSource, limits: Limits): Promise<ZipMember[]> {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  if (source.size < 22) throw new StatekitError('format', 'not a ZIP archive (too short)');
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (
      view.getUint32(i, true) === EOCD &&
      i + 22 + view.getUint16(i + 20, true) === tail.byteLength
    ) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    throw new StatekitError(
      'format',
      'not a ZIP archive, or truncated (no end of central directory record)',
    );
  }
  let entries = view.getUint16(at + 10, true);
  let cdSize = view.getUint32(at + 12, true);
  let cdOffset = view.getUint32(at + 16, true);
  if (view.getUint16(at + 4, true) !== 0 || view.getUint16(at + 6, true) !== 0) {
    throw new StatekitError('unsupported', 'multi-disk ZIP archives are not supported');
  }
  const eocdOffset = tailStart + at;
  if (eocdOffset >= 20) {
    const loc = await source.read(eocdOffset - 20, 20);
    const lv = new DataView(loc.buffer, loc.byteOffset, 20);
    if (lv.getUint32(0, true) === EOCD64_LOCATOR) {
      const rec = await source.read(u64(lv, 8), 56);
      const rv = new DataView(rec.buffer, rec.byteOffset, 56);
      if (rv.getUint32(0, true) !== EOCD64)
        throw corrupt('bad ZIP64 end of central directory record');
      entries = u64(rv, 32);
      cdSize = u64(rv, 40);
      cdOffset = u64(rv, 48);
    }
  }
  if (entries > limits.maxEntries) {
    throw new StatekitError(
      'limit',
      `${entries} entries exceed the limit maxEntries=${limits.maxEntries}`,
    );
  }
  if (cdSize > limits.maxIndexBytes) {
    throw new StatekitError(
      'limit',
      `central directory of ${cdSize} bytes exceeds maxIndexBytes=${limits.maxIndexBytes}`,
    );
  }
  if (cdOffset + cdSize > eocdOffset) throw corrupt('central directory lies outside the file');
  const cd = await source.read(cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const decoder = new TextDecoder();
  const members: ZipMember[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.byteLength || cv.getUint32(p, true) !== CENTRAL)
      throw corrupt(`bad central directory entry ${n}`);
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const crc = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let size = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.byteLength) throw corrupt(`central directory entry ${n} overruns the directory`);
    // A view, not a copy: 20,000 names would each cost an ArrayBuffer of their own.
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const name = decoder.decode(nameBytes);
    // zipfile (numpy) cuts names at a NUL, so it would see another name than we do.
    if (nameBytes.includes(0))
      throw corrupt(`member name ${JSON.stringify(name)} holds a NUL byte`);
    if (flags & 1) throw new StatekitError('unsupported', `member "${name}" is encrypted`);
    // ZIP64 extended information: the fields that are 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > e + 4 + len) throw corrupt(`short ZIP64 extra field in "${name}"`);
          const v = u64(cv, q);
          q += 8;
          return v;
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localHeaderOffset === U32_MAX) localHeaderOffset = next();
      }
      e += 4 + len;
    }
    members.push({ name, nameBytes, method, crc32: crc, compressedSize, size, localHeaderOffset });
    p = end;
  }
  // The end record's count must account for the whole directory, or members would be hidden.
  if (p !== cd.byteLength) {
    throw corrupt(
      `the end record counts ${entries} member${entries === 1 ? '' : 's'}, but the central directory holds more (${cd.byteLength - p} bytes left)`,
    );
  }
  return members;
}

/**
 * Offset of a member's data: after its local header (whose extra field may differ). The local
 * header must agree with the central directory (name, method, and CRC-32 and sizes unless a
 * data descriptor or ZIP64 carries them), as zipfile checks: no CRC covers the directory.
 */
export async function memberDataOffset(source: ByteSource, member: ZipMember): Promise<number> {
  if (member.localHeaderOffset + 30 + member.nameBytes.length > source.size) {
    throw corrupt(`the local header of "${member.name}" lies outside the file`);
  }
  const local = await source.read(member.localHeaderOffset, 30 + member.nameBytes.length);
  const lv = new DataView(local.buffer, local.byteOffset, 30);
  if (lv.getUint32(0, true) !== LOCAL) throw corrupt(`bad local header for "${member.name}"`);
  checkLocalHeader(member, lv, local.subarray(30));
  const start = member.localHeaderOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
  if (start + member.compressedSize > source.size) {
    throw new StatekitError(
      'corrupt',
      `truncated: member "${member.name}" needs bytes up to ${start + member.compressedSize}, file has ${source.size}`,
    );
  }
  return start;
}

function checkLocalHeader(member: ZipMember, lv: DataView, name: Uint8Array): void {
  const differs = (what: string): StatekitError =>
    corrupt(`the central directory and the local header of "${member.name}" differ (${what})`);
  if (lv.getUint16(26, true) !== member.nameBytes.length || !sameBytes(name, member.nameBytes))
    throw differs('name');
  if (lv.getUint16(8, true) !== member.method) throw differs('compression method');
  if (lv.getUint16(6, true) & 0x08) return; // CRC and sizes follow the data
  if (lv.getUint32(14, true) !== member.crc32) throw differs('CRC-32');
  const sizes: [number, number][] = [
    [lv.getUint32(18, true), member.compressedSize],
    [lv.getUint32(22, true), member.size],
  ];
  for (const [local, central] of sizes)
    if (local !== U32_MAX && local !== central) throw differs('sizes');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkMethod(member: ZipMember): void {
  if (member.method !== 0 && member.method !== 8) {
    throw new StatekitError(
      'unsupported',
      `member "${member.name}" uses compression method ${member.method}`,
    );
  }
}

/**
 * The first bytes of a member's content (at least `want` when the member has them), without
 * inflating the whole member.
 */
export async function readMemberPrefix(
  source: ByteSource,
  member: ZipMember,
  dataOffset: number,
  want: number,
): Promise<Uint8Array> {
  checkMethod(member);
  if (member.method === 0) return source.read(dataOffset, Math.min(want, member.size));
  let input = Math.min(member.compressedSize, Math.max(4096, want));
  for (;;) {
    const out = inflateRawPrefix(await source.read(dataOffset, input), input);
    if (out.byteLength >= Math.min(want, member.size) || input >= member.compressedSize) return out;
    input = Math.min(member.compressedSize, input * 4);
  }
}

/**
 * A member's whole content (inflated if deflated), CRC-32 checked when `verify`. Stored members
 * come back as the source's bytes (a view or one fresh read). Damage is a `corrupt` error.
 */
export async function readMember(
  source: ByteSource,
  member: ZipMember,
  dataOffset: number,
  verify: boolean,
  limits: Limits,
): Promise<Uint8Array> {
  checkMethod(member);
  if (member.size > limits.maxDecompressedBytes) {
    throw new StatekitError(
      'limit',
      `member "${member.name}" of ${member.size} bytes exceeds maxDecompressedBytes=${limits.maxDecompressedBytes}`,
    );
  }
  const raw = await source.read(dataOffset, member.compressedSize);
  let content: Uint8Array;
  if (member.method === 8) {
    try {
      content = inflateRaw(raw, member.size);
    } catch (error) {
      const tag = error instanceof StatekitError ? error.tag : 'corrupt';
      throw new StatekitError(tag, `member "${member.name}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  } else {
    if (member.compressedSize !== member.size)
      throw corrupt(`stored member "${member.name}" has two sizes`);
    content = raw;
  }
  if (verify) checkCrc(member, content);
  return content;
}

/** Bytes of a member read from the file per piece when it is read in pieces. */
const PIECE_BYTES = 1 << 20;

/**
 * A member's content (inflated if deflated) in pieces, for members too large to hold: memory
 * holds a piece at a time. The CRC-32 is checked, when `verify`, after the last piece; damage
 * is a `corrupt` error naming the member.
 */
export async function* memberChunks(
  source: ByteSource,
  member: ZipMember,
  dataOffset: number,
  verify: boolean,
): AsyncGenerator<Uint8Array> {
  checkMethod(member);
  if (member.method === 0 && member.compressedSize !== member.size)
    throw corrupt(`stored member "${member.name}" has two sizes`);
  const raw = () => sourceSlices(source, dataOffset, member.compressedSize, PIECE_BYTES);
  const content = member.method === 8 ? inflateRawChunks(raw(), member.size) : raw();
  let crc = 0;
  try {
    for await (const piece of content) {
      if (verify) crc = crc32(piece, crc);
      yield piece;
    }
  } catch (error) {
    const tag = error instanceof StatekitError ? error.tag : 'corrupt';
    throw new StatekitError(tag, `member "${member.name}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (verify) checkCrcValue(member, crc);
}

/** Throws a `corrupt` StatekitError when `content`'s CRC-32 is not the member's. */
export function checkCrc(member: ZipMember, ...parts: Uint8Array[]): void {
  let crc = 0;
  for (const part of parts) crc = crc32(part, crc);
  checkCrcValue(member, crc);
}

/** Throws a `corrupt` StatekitError when `crc` (of the whole content) is not the member's. */
function checkCrcValue(member: ZipMember, crc: number): void {
  if (crc !== member.crc32) {
    throw new StatekitError(
      'corrupt',
      `CRC-32 mismatch in member "${member.name}" (stored ${hex(member.crc32)}, computed ${hex(crc)})`,
    );
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
