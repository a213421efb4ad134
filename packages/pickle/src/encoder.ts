/**
 * Pickle opcodes out, as CPython's `_Pickler` chooses them for each protocol (2-5): small ints
 * as BININT1/2, then BININT, then LONG1/LONG4; floats as BINFLOAT; str as (SHORT_)BINUNICODE;
 * bytes as (SHORT_)BINBYTES from protocol 3 and `_codecs.encode(latin1, 'latin1')` before;
 * globals as GLOBAL lines before protocol 4 and STACK_GLOBAL from it, each memoized once.
 * Output goes through a SinkWriter: buffered in large pieces, big payloads straight through.
 */
import type { ByteSink } from '@statekit/core';
import { SinkWriter } from '@statekit/core/codec';
import { OP } from './opcodes.js';

/** Python 3's names for protocols below 3, as `fix_imports` writes them (`builtins` -> `__builtin__`). */
const PY2_NAMES: Record<string, string> = { builtins: '__builtin__' };

const utf8 = new TextEncoder();

export class PickleEncoder extends SinkWriter {
  /** Memo indices of globals written, by module then name. */
  private readonly globals = new Map<string, Map<string, number>>();
  private memoSize = 0;

  constructor(
    sink: ByteSink,
    readonly protocol: number,
  ) {
    super(sink);
  }

  /** One opcode, and its one-byte argument if it has one. */
  op(code: number, arg?: number): void {
    this.ensure(2);
    this.buffer[this.used++] = code;
    if (arg !== undefined) this.buffer[this.used++] = arg;
  }

  /** One opcode and a little-endian unsigned argument of `width` bytes (a length, an index). */
  opLength(code: number, value: number, width: 2 | 4 | 8): void {
    this.ensure(1 + width);
    this.buffer[this.used++] = code;
    for (let i = 0; i < width; i++) {
      this.buffer[this.used++] = value % 256;
      value = Math.floor(value / 256);
    }
  }

  /**
   * Pads so that a payload after a `header`-byte opcode starts at a multiple of `align`: a
   * `bytes` value of the right length, popped (readers see nothing; ours can view the array
   * in place instead of copying it to an aligned buffer).
   */
  alignPayload(header: number, align: number): void {
    let pad = (align - ((this.position + header) % align)) % align;
    if (pad === 0) return;
    if (pad < 3) pad += align; // SHORT_BINBYTES n + POP is at least 3 bytes
    this.op(OP.SHORT_BINBYTES, pad - 3);
    this.raw(new Uint8Array(pad - 3));
    this.op(OP.POP);
  }

  header(): void {
    this.op(OP.PROTO, this.protocol);
  }

  none(): void {
    this.op(OP.NONE);
  }

  bool(value: boolean): void {
    this.op(value ? OP.NEWTRUE : OP.NEWFALSE);
  }

  int(value: bigint | number): void {
    const v = BigInt(value);
    if (v >= 0n && v < 256n) this.op(OP.BININT1, Number(v));
    else if (v >= 0n && v < 65536n) this.opLength(OP.BININT2, Number(v), 2);
    else if (v >= -(2n ** 31n) && v < 2n ** 31n)
      this.opLength(OP.BININT, Number(BigInt.asUintN(32, v)), 4);
    else {
      const bytes = longBytes(v);
      if (bytes.length < 256) this.op(OP.LONG1, bytes.length);
      else this.opLength(OP.LONG4, bytes.length, 4);
      this.raw(bytes);
    }
  }

  float(value: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, false);
    this.op(OP.BINFLOAT);
    this.raw(b);
  }

  str(value: string): void {
    if (value.length < 256 && this.protocol >= 4 && isAscii(value)) {
      // Keys and dtype codes: written in place, no encoder round trip.
      this.op(OP.SHORT_BINUNICODE, value.length);
      this.ensure(value.length);
      for (let i = 0; i < value.length; i++) this.buffer[this.used++] = value.charCodeAt(i);
      return;
    }
    const bytes = utf8.encode(value);
    if (bytes.length < 256 && this.protocol >= 4) this.op(OP.SHORT_BINUNICODE, bytes.length);
    else this.opLength(OP.BINUNICODE, bytes.length, 4);
    this.raw(bytes);
  }

  /** The length of the opcode {@link bytesHead} writes for `n` bytes. */
  static bytesHeadLength(n: number): number {
    return n < 256 ? 2 : n < 2 ** 32 ? 5 : 9;
  }

  /** The opcode that introduces `n` bytes of a `bytes` payload (protocol 3+). */
  bytesHead(n: number): void {
    if (n < 256) this.op(OP.SHORT_BINBYTES, n);
    else if (n < 2 ** 32) this.opLength(OP.BINBYTES, n, 4);
    else this.opLength(OP.BINBYTES8, n, 8);
  }

  /** A `bytes` value; before protocol 3 as Python 3 writes it, `_codecs.encode(text, 'latin1')`. */
  bytes(value: Uint8Array): void {
    if (this.protocol >= 3) {
      this.bytesHead(value.byteLength);
      this.raw(value);
      return;
    }
    this.global('_codecs', 'encode');
    let text = '';
    for (let i = 0; i < value.length; i += 8192)
      text += String.fromCharCode(...value.subarray(i, i + 8192));
    this.str(text);
    this.str('latin1');
    this.op(OP.TUPLE2);
    this.op(OP.REDUCE);
  }

  /** A global, memoized so that later uses are one BINGET. */
  global(module: string, name: string): void {
    let names = this.globals.get(module);
    if (!names) {
      names = new Map();
      this.globals.set(module, names);
    }
    const memo = names.get(name);
    if (memo !== undefined) {
      this.get(memo);
      return;
    }
    if (this.protocol >= 4) {
      this.str(module);
      this.str(name);
      this.op(OP.STACK_GLOBAL);
    } else {
      const mod = PY2_NAMES[module] && this.protocol < 3 ? PY2_NAMES[module] : module;
      this.op(OP.GLOBAL);
      this.raw(utf8.encode(`${mod}\n${name}\n`));
    }
    names.set(name, this.put());
  }

  /** Memoizes the top of the stack; returns its memo index. */
  put(): number {
    const index = this.memoSize++;
    if (this.protocol >= 4) this.op(OP.MEMOIZE);
    else if (index < 256) this.op(OP.BINPUT, index);
    else this.opLength(OP.LONG_BINPUT, index, 4);
    return index;
  }

  get(index: number): void {
    if (index < 256) this.op(OP.BINGET, index);
    else this.opLength(OP.LONG_BINGET, index, 4);
  }

  /** A tuple of the `n` values just pushed (after a MARK when n > 3). */
  tuple(n: number): void {
    if (n === 0) this.op(OP.EMPTY_TUPLE);
    else if (n <= 3) this.op([OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][n - 1]!);
    else this.op(OP.TUPLE);
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Two's complement little-endian bytes of `v`, as few as hold it (CPython's `encode_long`). */
function longBytes(v: bigint): Uint8Array {
  let n = 1;
  while (v < -(1n << BigInt(8 * n - 1)) || v >= 1n << BigInt(8 * n - 1)) n++;
  const u = BigInt.asUintN(8 * n, v);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return out;
}
