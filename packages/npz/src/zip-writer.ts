/**
 * A streaming ZIP writer with ZIP64: members go out one by one (each written once, never
 * held twice), then the central directory. ZIP64 records are written exactly when a size,
 * an offset or the member count needs them, so small archives are plain ZIP.
 */
import { type ByteSink, StatekitError } from '@statekit/core';
import { concatBytes } from '@statekit/core/codec';
import { crc32, deflateRaw, deflateRawChunks } from '@statekit/core/zlib';

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** DOS date 1980-01-01, time 00:00: fixed, so output is reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface CentralRecord {
  name: Uint8Array;
  utf8: boolean;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface ZipMemberOptions {
  /** Deflate level 1-9; 0 or undefined stores. */
  level?: number;
}

const ENCODER = new TextEncoder();

/** A member name as ZIP stores it (UTF-8, flagged when not ASCII). */
function memberName(name: string): { name: Uint8Array; utf8: boolean } {
  const encoded = ENCODER.encode(name);
  return { name: encoded, utf8: encoded.byteLength !== name.length };
}

/** A member's local header; with `zip64`, its sizes are in a ZIP64 extra field. */
function localHeader(r: CentralRecord, zip64: boolean): Uint8Array {
  const header = new Uint8Array(30 + r.name.byteLength + (zip64 ? 20 : 0));
  const v = new DataView(header.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, zip64 ? 45 : 20, true);
  v.setUint16(6, r.utf8 ? 0x0800 : 0, true);
  v.setUint16(8, r.method, true);
  v.setUint16(10, 0, true);
  v.setUint16(12, DOS_DATE, true);
  v.setUint32(14, r.crc, true);
  v.setUint32(18, zip64 ? U32_MAX : r.compressedSize, true);
  v.setUint32(22, zip64 ? U32_MAX : r.size, true);
  v.setUint16(26, r.name.byteLength, true);
  v.setUint16(28, zip64 ? 20 : 0, true);
  header.set(r.name, 30);
  if (zip64) {
    const x = 30 + r.name.byteLength;
    v.setUint16(x, 0x0001, true);
    v.setUint16(x + 2, 16, true);
    v.setBigUint64(x + 4, BigInt(r.size), true);
    v.setBigUint64(x + 12, BigInt(r.compressedSize), true);
  }
  return header;
}

/** Writes a ZIP archive into a sink. */
export class ZipWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];

  constructor(private readonly sink: ByteSink) {}

  private async put(bytes: Uint8Array): Promise<void> {
    await this.sink.write(bytes);
    this.offset += bytes.byteLength;
  }

  /** Adds a member whose content is the concatenation of `parts`. */
  async add(
    name: string,
    parts: readonly Uint8Array[],
    options: ZipMemberOptions = {},
  ): Promise<void> {
    let crc = 0;
    let size = 0;
    for (const part of parts) {
      crc = crc32(part, crc);
      size += part.byteLength;
    }
    let data = parts;
    let method = 0;
    if (options.level) {
      data = [deflateRaw(concatBytes(parts), options.level)];
      method = 8;
    }
    let compressedSize = 0;
    for (const part of data) compressedSize += part.byteLength;
    const { name: encoded, utf8 } = memberName(name);
    const record = { name: encoded, utf8, method, crc, compressedSize, size, offset: this.offset };
    await this.put(localHeader(record, size >= U32_MAX || compressedSize >= U32_MAX));
    for (const part of data) await this.put(part);
    this.records.push(record);
  }

  /**
   * Adds a member of `size` bytes given in pieces (memory holds one piece): its local header
   * goes out first with the CRC and sizes left open, and is patched once the data is written,
   * as Python's zipfile does on a seekable file. Needs a sink that can patch.
   */
  async addStream(
    name: string,
    pieces: AsyncIterable<Uint8Array>,
    size: number,
    options: ZipMemberOptions = {},
  ): Promise<void> {
    const patch = this.sink.patch?.bind(this.sink);
    if (!patch) throw new Error('ZipWriter.addStream needs a sink that can patch');
    const method = options.level ? 8 : 0;
    // Deflated sizes are known only afterwards: room for ZIP64 when they may need it (zipfile's rule).
    const zip64 = method === 0 ? size >= U32_MAX : size * 1.05 >= U32_MAX;
    const record = {
      ...memberName(name),
      method,
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: this.offset,
    };
    await this.put(localHeader(record, zip64));
    const start = this.offset;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const piece of pieces) {
        record.crc = crc32(piece, record.crc);
        record.size += piece.byteLength;
        yield piece;
      }
    }
    const data = method === 8 ? deflateRawChunks(counted(), options.level) : counted();
    for await (const piece of data) await this.put(piece);
    record.compressedSize = this.offset - start;
    if (record.size !== size) {
      throw new StatekitError(
        'corrupt',
        `member "${name}" was to hold ${size} bytes, got ${record.size}`,
      );
    }
    await patch(record.offset, localHeader(record, zip64));
    this.records.push(record);
  }

  /** Writes the central directory and end records. The sink is left for the caller to close. */
  async finish(): Promise<void> {
    const cdStart = this.offset;
    const chunks: Uint8Array[] = [];
    let pending = 0;
    const flush = async (): Promise<void> => {
      for (const c of chunks) await this.put(c);
      chunks.length = 0;
      pending = 0;
    };
    for (const r of this.records) {
      const extra: bigint[] = [];
      if (r.size >= U32_MAX) extra.push(BigInt(r.size));
      if (r.compressedSize >= U32_MAX) extra.push(BigInt(r.compressedSize));
      if (r.offset >= U32_MAX) extra.push(BigInt(r.offset));
      const extraLength = extra.length ? 4 + 8 * extra.length : 0;
      const rec = new Uint8Array(46 + r.name.byteLength + extraLength);
      const v = new DataView(rec.buffer);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, (3 << 8) | (extra.length ? 45 : 20), true); // made by Unix
      v.setUint16(6, extra.length ? 45 : 20, true);
      v.setUint16(8, r.utf8 ? 0x0800 : 0, true);
      v.setUint16(10, r.method, true);
      v.setUint16(12, 0, true);
      v.setUint16(14, DOS_DATE, true);
      v.setUint32(16, r.crc, true);
      v.setUint32(20, Math.min(r.compressedSize, U32_MAX), true);
      v.setUint32(24, Math.min(r.size, U32_MAX), true);
      v.setUint16(28, r.name.byteLength, true);
      v.setUint16(30, extraLength, true);
      v.setUint32(38, (0o100644 << 16) >>> 0, true);
      v.setUint32(42, Math.min(r.offset, U32_MAX), true);
      rec.set(r.name, 46);
      if (extra.length) {
        let x = 46 + r.name.byteLength;
        v.setUint16(x, 0x0001, true);
        v.setUint16(x + 2, 8 * extra.length, true);
        x += 4;
        for (const value of extra) {
          v.setBigUint64(x, value, true);
          x += 8;
        }
      }
      chunks.push(rec);
      pending += rec.byteLength;
      if (pending > 1 << 20) await flush();
    }
    await flush();
    const cdSize = this.offset - cdStart;
    const count = this.records.length;
    if (count >= U16_MAX || cdSize >= U32_MAX || cdStart >= U32_MAX) {
      const eocd64Offset = this.offset;
      const rec = new Uint8Array(56 + 20);
      const v = new DataView(rec.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, (3 << 8) | 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(count), true);
      v.setBigUint64(32, BigInt(count), true);
      v.setBigUint64(40, BigInt(cdSize), true);
      v.setBigUint64(48, BigInt(cdStart), true);
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(64, BigInt(eocd64Offset), true);
      v.setUint32(72, 1, true);
      await this.put(rec);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(count, U16_MAX), true);
    v.setUint16(10, Math.min(count, U16_MAX), true);
    v.setUint32(12, Math.min(cdSize, U32_MAX), true);
    v.setUint32(16, Math.min(cdStart, U32_MAX), true);
    await this.put(end);
  }
}
