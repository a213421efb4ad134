/**
 * A strict msgpack decoder (https://github.com/msgpack/msgpack/blob/master/spec.md) into a plain
 * data model that keeps what Python's msgpack keeps: ints as bigint (never rounded), floats as
 * number, str, bin as views into the input (never copied), maps as ordered key/value lists
 * (any key type; nothing is assigned to an object, so `__proto__` is a key like any other),
 * ext as its type and a view of its payload. Every declared length is checked against the
 * bytes that remain (an element takes at least one byte), so nothing is allocated beyond the
 * input; nesting deeper than `maxDepth` is a `limit` error.
 */
import { StatekitError } from '@statekit/core';

export class MsgMap {
  constructor(
    readonly keys: MsgValue[],
    readonly values: MsgValue[],
  ) {}
}

export class MsgExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

export type MsgValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | MsgMap
  | MsgExt
  | MsgValue[];

export interface DecodeOptions {
  maxDepth: number;
  /** Keep str as its UTF-8 bytes (Python's `raw=True`, as flax reads ext payloads). */
  raw?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the one msgpack value `bytes` holds (trailing bytes are `corrupt`). */
export function decodeMsgpack(bytes: Uint8Array, options: DecodeOptions): MsgValue {
  if (bytes.byteLength === 0) throw new StatekitError('format', 'msgpack: the file is empty');
  const reader = new Reader(bytes, options);
  const value = reader.value(0);
  if (reader.pos !== bytes.byteLength)
    throw reader.corrupt(`${bytes.byteLength - reader.pos} bytes follow the value`);
  return value;
}

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly options: DecodeOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  corrupt(message: string): StatekitError {
    return new StatekitError('corrupt', `msgpack: ${message} (at offset ${this.pos})`);
  }

  private need(n: number): number {
    if (n > this.bytes.byteLength - this.pos)
      throw this.corrupt(
        `needs ${n} bytes, ${this.bytes.byteLength - this.pos} remain (truncated?)`,
      );
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8 = () => this.view.getUint8(this.need(1));
  private u16 = () => this.view.getUint16(this.need(2));
  private u32 = () => this.view.getUint32(this.need(4));

  private take(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }

  /** A count of elements, each at least one byte: more than the bytes left is corrupt. */
  private count(n: number, least: number): number {
    if (n * least > this.bytes.byteLength - this.pos)
      throw this.corrupt(
        `declares ${n} elements, only ${this.bytes.byteLength - this.pos} bytes remain`,
      );
    return n;
  }

  private str(n: number): string | Uint8Array {
    const bytes = this.take(n);
    if (this.options.raw) return bytes;
    try {
      return utf8.decode(bytes);
    } catch {
      throw this.corrupt('a str is not UTF-8');
    }
  }

  private array(n: number, depth: number): MsgValue[] {
    const out: MsgValue[] = [];
    for (let i = this.count(n, 1); i > 0; i--) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): MsgMap {
    const keys: MsgValue[] = [];
    const values: MsgValue[] = [];
    for (let i = this.count(n, 2); i > 0; i--) {
      keys.push(this.value(depth + 1));
      values.push(this.value(depth + 1));
    }
    return new MsgMap(keys, values);
  }

  private ext(n: number): MsgExt {
    const type = this.view.getInt8(this.need(1));
    return new MsgExt(type, this.take(n));
  }

  value(depth: number): MsgValue {
    if (depth > this.options.maxDepth)
      throw new StatekitError(
        'limit',
        `msgpack: values nest deeper than ${this.options.maxDepth} (limits.maxDepth)`,
      );
    const at = this.pos;
    const b = this.u8();
    if (b <= 0x7f) return BigInt(b);
    if (b >= 0xe0) return BigInt(b - 0x100);
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f, depth);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth);
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f) as string;
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.take(this.u8());
      case 0xc5:
        return this.take(this.u16());
      case 0xc6:
        return this.take(this.u32());
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca:
        return this.view.getFloat32(this.need(4));
      case 0xcb:
        return this.view.getFloat64(this.need(8));
      case 0xcc:
        return BigInt(this.u8());
      case 0xcd:
        return BigInt(this.u16());
      case 0xce:
        return BigInt(this.u32());
      case 0xcf:
        return this.view.getBigUint64(this.need(8));
      case 0xd0:
        return BigInt(this.view.getInt8(this.need(1)));
      case 0xd1:
        return BigInt(this.view.getInt16(this.need(2)));
      case 0xd2:
        return BigInt(this.view.getInt32(this.need(4)));
      case 0xd3:
        return this.view.getBigInt64(this.need(8));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.ext(1 << (b - 0xd4));
      case 0xd9:
        return this.str(this.u8()) as string;
      case 0xda:
        return this.str(this.u16()) as string;
      case 0xdb:
        return this.str(this.u32()) as string;
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
    }
    this.pos = at;
    throw this.corrupt(`0x${b.toString(16)} is not a msgpack type`);
  }
}
