/**
 * The pickle virtual machine, protocols 0-5 (CPython's `pickle.py` `_Unpickler`, PEP 307, 3154
 * and 574), building plain data and never running code: GLOBAL and STACK_GLOBAL resolve only
 * through the allowlist (`allowlist.ts`), so a pickle naming `os.system` fails at that opcode,
 * before anything after it is acted on. Byte payloads are views into the input, never copies;
 * what reconstructors copy is counted against a budget proportional to the input size.
 */
import { type Limits, StatekitError } from '@statekit/core';
import { type CallContext, type Reconstructor, resolveGlobal } from './allowlist.js';
import {
  asBytearray,
  NumpyArray,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PyList,
  PySet,
  PyTuple,
  type PyValue,
} from './model.js';
import { setArrayState, setDtypeState, typeOf } from './numpy.js';
import { HIGHEST_PROTOCOL, OP, OP_NAMES } from './opcodes.js';
import {
  latin1Text,
  parseFloatLine,
  parseIntLine,
  parseStringLine,
  parseUnicodeLine,
} from './text.js';

/** What the machine is allowed: the limits, and reconstructors a user registered. */
export interface MachineOptions {
  readonly limits: Limits;
  /** Extra globals by `module.name`, beside the allowlist. */
  readonly reconstructors?: ReadonlyMap<string, Reconstructor> | undefined;
  /**
   * What a persistent id (PERSID/BINPERSID) stands for: PyTorch names its tensors' storages so.
   * Without it, a persistent id is `unsupported` (its data is outside the pickle).
   */
  readonly persistentLoad?: ((id: PyValue) => PyValue) | undefined;
}

/** Bytes reconstructors may copy: this many times the input, plus a floor for tiny pickles. */
const BUDGET_PER_INPUT_BYTE = 16;
const BUDGET_FLOOR = 1 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Runs the pickle in `input` to its STOP and returns the value it built. */
export function runPickle(input: Uint8Array, options: MachineOptions): PyValue {
  const machine = new Machine(input, options);
  return machine.run();
}

type Handler = (m: Machine) => void;

class Machine implements CallContext {
  pos = 0;
  /** Where the opcode being run starts, for messages. */
  at = 0;
  readonly stack: PyValue[] = [];
  /** Stack heights at each MARK (CPython's metastack). */
  readonly marks: number[] = [];
  readonly memo = new Map<number, PyValue>();
  private budget: number;
  stopped = false;

  constructor(
    readonly input: Uint8Array,
    readonly options: MachineOptions,
  ) {
    this.budget = input.byteLength * BUDGET_PER_INPUT_BYTE + BUDGET_FLOOR;
  }

  run(): PyValue {
    if (this.input.byteLength === 0) throw new StatekitError('format', 'pickle: the file is empty');
    while (!this.stopped) {
      this.at = this.pos;
      if (this.pos >= this.input.byteLength)
        throw new StatekitError(
          'corrupt',
          `pickle: the stream ends at offset ${this.pos}, before its STOP opcode (truncated?)`,
        );
      const code = this.input[this.pos++]!;
      const handler = HANDLERS[code];
      if (!handler) throw this.corrupt(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
      try {
        handler(this);
      } catch (error) {
        throw this.located(error);
      }
    }
    return this.pop();
  }

  /** A `corrupt` error from a reconstructor or BUILD, told where in the stream it happened. */
  private located(error: unknown): unknown {
    if (
      !(error instanceof StatekitError) ||
      error.tag !== 'corrupt' ||
      error.detail.includes(' at offset ')
    )
      return error;
    const name = OP_NAMES.get(this.input[this.at]!) ?? 'opcode';
    return new StatekitError('corrupt', `${error.detail} (${name} at offset ${this.at})`, {
      cause: error.cause,
    });
  }

  spend(bytes: number): void {
    this.budget -= bytes;
    if (this.budget < 0)
      throw new StatekitError(
        'limit',
        `pickle: the values built exceed ${BUDGET_PER_INPUT_BYTE}x the file's size (at offset ${this.at})`,
      );
  }

  corrupt(message: string): StatekitError {
    const name = OP_NAMES.get(this.input[this.at]!) ?? 'opcode';
    return new StatekitError('corrupt', `pickle: ${name} at offset ${this.at}: ${message}`);
  }

  // --- reading arguments ---

  take(n: number): Uint8Array {
    if (n > this.input.byteLength - this.pos)
      throw this.corrupt(
        `needs ${n} bytes, ${this.input.byteLength - this.pos} remain (truncated?)`,
      );
    const out = this.input.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A little-endian unsigned integer of `width` bytes (1, 2, 4 or 8), read in place. */
  uint(width: number): number {
    const { input, pos } = this;
    if (width > input.byteLength - pos)
      throw this.corrupt(`needs ${width} bytes, ${input.byteLength - pos} remain (truncated?)`);
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + input[pos + i]!;
    this.pos += width;
    if (value > Number.MAX_SAFE_INTEGER)
      throw new StatekitError('limit', `pickle: a length at offset ${this.at} is beyond 2^53`);
    return value;
  }

  int32(): number {
    return this.uint(4) | 0;
  }

  /** A text argument up to its newline (protocols 0-1). */
  line(): string {
    const end = this.input.indexOf(0x0a, this.pos);
    if (end < 0) throw this.corrupt('its text argument has no newline (truncated?)');
    const text = latin1Text(this.input.subarray(this.pos, end));
    this.pos = end + 1;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  utf8(bytes: Uint8Array): string {
    // Short ASCII (keys, module names, dtype codes): no decoder round trip.
    if (bytes.length <= 64) {
      let ascii = '';
      for (const b of bytes) {
        if (b >= 0x80) break;
        ascii += String.fromCharCode(b);
      }
      if (ascii.length === bytes.length) return ascii;
    }
    try {
      return utf8.decode(bytes);
    } catch {
      throw this.corrupt('its text is not UTF-8');
    }
  }

  // --- the stack ---

  push(value: PyValue): void {
    this.stack.push(value);
  }

  pop(): PyValue {
    if (this.stack.length <= (this.marks.at(-1) ?? 0)) throw this.corrupt('the stack is empty');
    return this.stack.pop()!;
  }

  top(): PyValue {
    if (this.stack.length <= (this.marks.at(-1) ?? 0)) throw this.corrupt('the stack is empty');
    return this.stack[this.stack.length - 1]!;
  }

  /** The items pushed since the last MARK, which is removed. */
  popMark(): PyValue[] {
    const height = this.marks.pop();
    if (height === undefined) throw this.corrupt('no MARK to return to');
    return this.stack.splice(height);
  }

  memoGet(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined && !this.memo.has(index))
      throw this.corrupt(`memo ${index} was never stored`);
    this.push(value!);
  }

  memoPut(index: number): void {
    this.memo.set(index, this.top());
  }

  persistent(id: PyValue): PyValue {
    const load = this.options.persistentLoad;
    if (!load)
      throw new StatekitError(
        'unsupported',
        'pickle: a persistent id names data outside the pickle',
      );
    return load(id);
  }

  // --- calls ---

  global(module: string, name: string): PyGlobal {
    return resolveGlobal(module, name, this.options.reconstructors);
  }

  call(callable: PyValue, args: PyValue): PyValue {
    if (!(callable instanceof PyGlobal))
      throw this.corrupt(`calls a ${typeOf(callable)}, not a global`);
    if (!(args instanceof PyTuple))
      throw this.corrupt(`arguments are a ${typeOf(args)}, not a tuple`);
    return callable.call(args.items, this);
  }
}

// --- handlers: one small function per opcode family ---

const H: Partial<Record<keyof typeof OP, Handler>> = {
  PROTO: (m) => {
    const version = m.uint(1);
    if (version > HIGHEST_PROTOCOL)
      throw new StatekitError(
        'unsupported',
        `pickle: protocol ${version} (statekit reads 0-${HIGHEST_PROTOCOL})`,
      );
  },
  FRAME: (m) => {
    const size = m.uint(8);
    if (size > m.input.byteLength - m.pos)
      throw m.corrupt(`declares a frame of ${size} bytes, ${m.input.byteLength - m.pos} remain`);
  },
  STOP: (m) => {
    m.stopped = true;
  },
  MARK: (m) => {
    m.marks.push(m.stack.length);
  },
  POP: (m) => {
    // CPython: POP right after MARK discards the mark.
    if (m.marks.at(-1) === m.stack.length) m.marks.pop();
    else m.pop();
  },
  POP_MARK: (m) => void m.popMark(),
  DUP: (m) => m.push(m.top()),

  // Scalars
  NONE: (m) => m.push(null),
  NEWTRUE: (m) => m.push(true),
  NEWFALSE: (m) => m.push(false),
  INT: (m) => m.push(parseIntLine(m.line(), false)),
  LONG: (m) => m.push(parseIntLine(m.line(), true)),
  BININT: (m) => m.push(bigint(m.int32())),
  BININT1: (m) => m.push(bigint(m.uint(1))),
  BININT2: (m) => m.push(bigint(m.uint(2))),
  LONG1: (m) => m.push(longOf(m.take(m.uint(1)))),
  LONG4: (m) => {
    const n = m.int32();
    if (n < 0) throw m.corrupt(`declares a negative length ${n}`);
    if (n > MAX_LONG_BYTES)
      throw new StatekitError(
        'limit',
        `pickle: an integer of ${n} bytes at offset ${m.at} (statekit reads up to ${MAX_LONG_BYTES})`,
      );
    m.push(longOf(m.take(n)));
  },
  FLOAT: (m) => m.push(parseFloatLine(m.line())),
  BINFLOAT: (m) => {
    const b = m.take(8);
    m.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
  },

  // Text and bytes
  STRING: (m) => m.push(parseStringLine(m.line())),
  BINSTRING: (m) => {
    const n = m.int32();
    if (n < 0) throw m.corrupt(`declares a negative length ${n}`);
    m.push(latin1Text(m.take(n)));
  },
  SHORT_BINSTRING: (m) => m.push(latin1Text(m.take(m.uint(1)))),
  UNICODE: (m) => m.push(parseUnicodeLine(m.line())),
  SHORT_BINUNICODE: (m) => m.push(m.utf8(m.take(m.uint(1)))),
  BINUNICODE: (m) => m.push(m.utf8(m.take(m.uint(4)))),
  BINUNICODE8: (m) => m.push(m.utf8(m.take(m.uint(8)))),
  SHORT_BINBYTES: (m) => m.push(m.take(m.uint(1))),
  BINBYTES: (m) => m.push(m.take(m.uint(4))),
  BINBYTES8: (m) => m.push(m.take(m.uint(8))),
  BYTEARRAY8: (m) => m.push(asBytearray(m.take(m.uint(8)))),
  NEXT_BUFFER: () => {
    throw new StatekitError(
      'unsupported',
      'pickle: an out-of-band buffer (protocol 5 NEXT_BUFFER): the data is not in the file',
    );
  },
  READONLY_BUFFER: (m) => void m.top(),

  // Containers
  EMPTY_TUPLE: (m) => m.push(new PyTuple([])),
  TUPLE: (m) => m.push(new PyTuple(m.popMark())),
  TUPLE1: (m) => m.push(new PyTuple([m.pop()])),
  TUPLE2: (m) => {
    const b = m.pop();
    m.push(new PyTuple([m.pop(), b]));
  },
  TUPLE3: (m) => {
    const c = m.pop();
    const b = m.pop();
    m.push(new PyTuple([m.pop(), b, c]));
  },
  EMPTY_LIST: (m) => m.push(new PyList()),
  LIST: (m) => m.push(new PyList(m.popMark())),
  APPEND: (m) => {
    const value = m.pop();
    listOf(m, m.top()).push(value);
  },
  APPENDS: (m) => {
    const items = m.popMark();
    const list = listOf(m, m.top());
    for (const item of items) list.push(item);
  },
  EMPTY_DICT: (m) => m.push(new PyDict(false)),
  DICT: (m) => {
    const dict = new PyDict(false);
    setItems(m, dict, m.popMark());
    m.push(dict);
  },
  SETITEM: (m) => {
    const value = m.pop();
    const key = m.pop();
    setItems(m, m.top(), [key, value]);
  },
  SETITEMS: (m) => {
    const items = m.popMark();
    setItems(m, m.top(), items);
  },
  EMPTY_SET: (m) => m.push(new PySet([], false)),
  ADDITEMS: (m) => {
    const items = m.popMark();
    const set = m.top();
    if (!(set instanceof PySet) || set.frozen)
      throw m.corrupt(`adds items to a ${typeOf(set)}, not a set`);
    for (const item of items) set.items.push(item);
  },
  FROZENSET: (m) => m.push(new PySet(m.popMark(), true)),

  // Memo
  PUT: (m) => m.memoPut(memoIndex(m, m.line())),
  BINPUT: (m) => m.memoPut(m.uint(1)),
  LONG_BINPUT: (m) => m.memoPut(m.uint(4)),
  MEMOIZE: (m) => m.memoPut(m.memo.size),
  GET: (m) => m.memoGet(memoIndex(m, m.line())),
  BINGET: (m) => m.memoGet(m.uint(1)),
  LONG_BINGET: (m) => m.memoGet(m.uint(4)),

  // Globals and calls: only allowlisted globals ever resolve
  GLOBAL: (m) => {
    const module = m.line();
    m.push(m.global(module, m.line()));
  },
  STACK_GLOBAL: (m) => {
    const name = m.pop();
    const module = m.pop();
    if (typeof module !== 'string' || typeof name !== 'string')
      throw m.corrupt(`names a global by ${typeOf(module)} and ${typeOf(name)}, not strings`);
    m.push(m.global(module, name));
  },
  REDUCE: (m) => {
    const args = m.pop();
    m.push(m.call(m.pop(), args));
  },
  NEWOBJ: (m) => {
    const args = m.pop();
    m.push(m.call(m.pop(), args));
  },
  NEWOBJ_EX: (m) => {
    const kwargs = m.pop();
    const args = m.pop();
    if (!(kwargs instanceof PyDict) || kwargs.keys.length > 0)
      throw m.corrupt('passes keyword arguments, which no allowed global takes');
    m.push(m.call(m.pop(), args));
  },
  INST: (m) => {
    const module = m.line();
    const callable = m.global(module, m.line());
    m.push(m.call(callable, new PyTuple(m.popMark())));
  },
  OBJ: (m) => {
    const [callable, ...args] = m.popMark();
    m.push(m.call(callable ?? null, new PyTuple(args)));
  },
  BUILD: (m) => {
    const state = m.pop();
    const target = m.top();
    if (target instanceof NumpyArray) setArrayState(target, state);
    else if (target instanceof NumpyDtype) setDtypeState(target, state);
    // An OrderedDict's instance attributes (PyTorch's state_dict `_metadata`: module versions):
    // not items of the dict, and not state; accepted and left out, as torch.load(weights_only).
    else if (target instanceof PyDict && target.ordered && state instanceof PyDict) return;
    else throw m.corrupt(`sets the state of a ${typeOf(target)}, which has none to set`);
  },
  PERSID: (m) => m.push(m.persistent(m.line())),
  BINPERSID: (m) => m.push(m.persistent(m.pop())),
  EXT1: extension,
  EXT2: extension,
  EXT4: extension,
};

function extension(): never {
  throw new StatekitError(
    'unsafe',
    'pickle: refused an extension-registry global (EXT1/2/4): loading it would run code',
  );
}

/** Handlers by opcode byte. */
const HANDLERS: (Handler | undefined)[] = (() => {
  const table: (Handler | undefined)[] = new Array(256);
  for (const [name, handler] of Object.entries(H)) table[OP[name as keyof typeof OP]] = handler;
  return table;
})();

/** Bytes of a binary integer (LONG4): 14,300 bits, as many as Python's 4,300-digit limit. */
const MAX_LONG_BYTES = 1800;

/** The ints a pickle repeats most (shapes, dtype states, versions) as shared bigints. */
const SMALL_INTS = Array.from({ length: 1025 }, (_, i) => BigInt(i - 1));

function bigint(n: number): bigint {
  return SMALL_INTS[n + 1] ?? BigInt(n);
}

/** LONG1 / LONG4: little-endian two's complement of any width. */
function longOf(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  const value = BigInt(`0x${hex}`);
  return bytes[bytes.length - 1]! & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

function memoIndex(m: Machine, line: string): number {
  if (!/^\d{1,15}$/.test(line))
    throw m.corrupt(`memo index ${JSON.stringify(line.slice(0, 20))} is not a number`);
  return Number(line);
}

function listOf(m: Machine, value: PyValue): PyValue[] {
  if (!(value instanceof PyList)) throw m.corrupt(`appends to a ${typeOf(value)}, not a list`);
  return value.items;
}

/** SETITEM(S) and DICT: `items` alternate keys and values. */
function setItems(m: Machine, target: PyValue, items: readonly PyValue[]): void {
  if (!(target instanceof PyDict)) throw m.corrupt(`sets items of a ${typeOf(target)}, not a dict`);
  if (items.length % 2 !== 0) throw m.corrupt('has a key without a value');
  for (let i = 0; i < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
}
