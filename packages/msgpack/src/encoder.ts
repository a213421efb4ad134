/**
 * msgpack values out, as Python's msgpack (use_bin_type=True) encodes them: the smallest int
 * form, every float as float64 (Python floats are doubles: `1.0` stays a float), str and bin
 * by length, map and array headers, ext with fixext for payloads of 1, 2, 4, 8 or 16 bytes.
 * Array payloads are never gathered: their headers are written, then their bytes stream.
 */
import { StatekitError } from '@statekit/core';
import { SinkWriter } from '@statekit/core/codec';

const utf8 = new TextEncoder();

export class MsgpackEncoder extends SinkWriter {
  private bigEndian(value: number | bigint, width: 1 | 2 | 4 | 8): void {
    this.ensure(width);
    let v = BigInt.asUintN(width * 8, BigInt(value));
    for (let i = width - 1; i >= 0; i--) {
      this.buffer[this.used + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.used += width;
  }

  private head(code: number, value: number, width: 1 | 2 | 4): void {
    this.byte(code);
    this.bigEndian(value, width);
  }

  nil(): void {
    this.byte(0xc0);
  }

  bool(value: boolean): void {
    this.byte(value ? 0xc3 : 0xc2);
  }

  /** A Python int: the smallest msgpack form; beyond int64/uint64 msgpack has none. */
  int(value: bigint | number): void {
    const v = BigInt(value);
    if (v >= 0n) {
      if (v < 128n) this.byte(Number(v));
      else if (v < 256n) this.head(0xcc, Number(v), 1);
      else if (v < 65536n) this.head(0xcd, Number(v), 2);
      else if (v < 2n ** 32n) this.head(0xce, Number(v), 4);
      else if (v < 2n ** 64n) {
        this.byte(0xcf);
        this.bigEndian(v, 8);
      } else throw new StatekitError('unsupported', `integer ${v} is beyond msgpack's uint64`);
    } else if (v >= -32n) this.byte(Number(v) & 0xff);
    else if (v >= -128n) this.head(0xd0, Number(v), 1);
    else if (v >= -32768n) this.head(0xd1, Number(v), 2);
    else if (v >= -(2n ** 31n)) this.head(0xd2, Number(v), 4);
    else if (v >= -(2n ** 63n)) {
      this.byte(0xd3);
      this.bigEndian(v, 8);
    } else throw new StatekitError('unsupported', `integer ${v} is beyond msgpack's int64`);
  }

  float(value: number): void {
    this.byte(0xcb);
    this.ensure(8);
    new DataView(this.buffer.buffer, this.buffer.byteOffset + this.used, 8).setFloat64(0, value);
    this.used += 8;
  }

  str(value: string): void {
    const bytes = utf8.encode(value);
    const n = bytes.byteLength;
    if (n < 32) this.byte(0xa0 | n);
    else if (n < 256) this.head(0xd9, n, 1);
    else if (n < 65536) this.head(0xda, n, 2);
    else this.head(0xdb, n, 4);
    this.raw(bytes);
  }

  /** The header of a `bin` of `n` bytes (the bytes follow). */
  binHead(n: number): void {
    if (n < 256) this.head(0xc4, n, 1);
    else if (n < 65536) this.head(0xc5, n, 2);
    else if (n < 2 ** 32) this.head(0xc6, n, 4);
    else throw new StatekitError('limit', `msgpack: a bin of ${n} bytes is beyond 2^32-1`);
  }

  bin(bytes: Uint8Array): void {
    this.binHead(bytes.byteLength);
    this.raw(bytes);
  }

  /** The widths (bytes) a str header of `n` bytes can take, smallest first. */
  static strHeadWidths(n: number): number[] {
    return [n < 32 ? 1 : 0, n < 256 ? 2 : 0, n < 65536 ? 3 : 0, 5].filter((w) => w > 0);
  }

  /** The widths an array header of `n` items can take, smallest first. */
  static arrayHeadWidths(n: number): number[] {
    return [n < 16 ? 1 : 0, n < 65536 ? 3 : 0, 5].filter((w) => w > 0);
  }

  /** A str written with a header of `width` bytes (msgpack allows any that holds the length). */
  strOfWidth(value: string, width: number): void {
    const bytes = utf8.encode(value);
    const n = bytes.byteLength;
    if (width === 1) this.byte(0xa0 | n);
    else if (width === 2) this.head(0xd9, n, 1);
    else if (width === 3) this.head(0xda, n, 2);
    else this.head(0xdb, n, 4);
    this.raw(bytes);
  }

  /** An array header of `width` bytes. */
  arrayHeadOfWidth(n: number, width: number): void {
    if (width === 1) this.byte(0x90 | n);
    else if (width === 3) this.head(0xdc, n, 2);
    else this.head(0xdd, n, 4);
  }

  /** An ext32 header, whatever the payload's size (6 bytes: the offset after it is known). */
  ext32Head(type: number, n: number): void {
    if (n >= 2 ** 32)
      throw new StatekitError('limit', `msgpack: an ext of ${n} bytes is beyond 2^32-1`);
    this.head(0xc9, n, 4);
    this.byte(type);
  }

  mapHead(n: number): void {
    if (n < 16) this.byte(0x80 | n);
    else if (n < 65536) this.head(0xde, n, 2);
    else this.head(0xdf, n, 4);
  }

  arrayHead(n: number): void {
    if (n < 16) this.byte(0x90 | n);
    else if (n < 65536) this.head(0xdc, n, 2);
    else this.head(0xdd, n, 4);
  }

  /** The header of an ext of `type` with an `n`-byte payload (the payload follows). */
  extHead(type: number, n: number): void {
    const fixed = [1, 2, 4, 8, 16].indexOf(n);
    if (fixed >= 0) this.byte(0xd4 + fixed);
    else if (n < 256) this.head(0xc7, n, 1);
    else if (n < 65536) this.head(0xc8, n, 2);
    else if (n < 2 ** 32) this.head(0xc9, n, 4);
    else throw new StatekitError('limit', `msgpack: an ext of ${n} bytes is beyond 2^32-1`);
    this.byte(type);
  }

  /** What has been buffered since `from` (a payload's header built apart to measure it). */
  taken(from: number): Uint8Array {
    const out = this.buffer.slice(from, this.used);
    this.used = from;
    return out;
  }

  /** Where the buffer stands, to measure what is written next with {@link taken}. */
  get mark(): number {
    return this.used;
  }
}
